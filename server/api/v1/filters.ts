import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { toV1Filter } from "../entities/filter.ts";
import { nestedBoolean, nestedText, nestedTextList, readNestedParams, type NestedParams } from "../nested-params.ts";
import { viewerOf } from "../request-accounts.ts";
import { readExpiresIn } from "../v2/filters.ts";
import { createV1Filter, deleteV1Filter, getV1Filter, listV1Filters, updateV1Filter, type V1FilterInput } from "./filters-view.ts";

function readV1Input(params: NestedParams): V1FilterInput {
  return {
    phrase: nestedText(params, "phrase"),
    context: nestedTextList(params, "context"),
    irreversible: nestedBoolean(params, "irreversible"),
    wholeWord: nestedBoolean(params, "whole_word"),
    expiresIn: readExpiresIn(params),
  };
}

/** The v1 filters API (older apps), answered from the v2 filters: one v1 filter per keyword. */
export function filterV1Routes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:filters"), async (c) => {
    return c.json((await listV1Filters(core, viewerOf(c).id)).map(toV1Filter));
  });
  routes.post("/", requireUser("write:filters"), async (c) => {
    const input = readV1Input(await readNestedParams(c));
    return c.json(toV1Filter(await createV1Filter(core, viewerOf(c).id, input)));
  });
  routes.get("/:id", requireUser("read:filters"), async (c) => c.json(toV1Filter(await getV1Filter(core, viewerOf(c).id, c.req.param("id")))));
  routes.put("/:id", requireUser("write:filters"), async (c) => {
    const input = readV1Input(await readNestedParams(c));
    return c.json(toV1Filter(await updateV1Filter(core, viewerOf(c).id, c.req.param("id"), input)));
  });
  routes.delete("/:id", requireUser("write:filters"), async (c) => {
    await deleteV1Filter(core, viewerOf(c).id, c.req.param("id"));
    return c.json({});
  });

  return routes;
}
