import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { toV1Filter } from "../entities/filter.ts";
import { flag, readInput, text, textList, type Input } from "../input.ts";
import { viewerOf } from "../request-accounts.ts";
import { expiresIn } from "../v2/filters.ts";
import { createV1Filter, deleteV1Filter, getV1Filter, listV1Filters, updateV1Filter, type V1FilterInput } from "./filters-view.ts";

const V1Filter = { phrase: text(), context: textList(), irreversible: flag(), whole_word: flag(), expires_in: expiresIn() };

function v1InputOf(input: Input<typeof V1Filter>): V1FilterInput {
  return { phrase: input.phrase, context: input.context, irreversible: input.irreversible, wholeWord: input.whole_word, expiresIn: input.expires_in };
}

/** The v1 filters API (older apps), answered from the v2 filters: one v1 filter per keyword. */
export function filterV1Routes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:filters"), async (c) => {
    return c.json((await listV1Filters(core, viewerOf(c).id)).map(toV1Filter));
  });
  routes.post("/", requireUser("write:filters"), async (c) => {
    const input = v1InputOf(await readInput(c, V1Filter));
    return c.json(toV1Filter(await createV1Filter(core, viewerOf(c).id, input)));
  });
  routes.get("/:id", requireUser("read:filters"), async (c) => c.json(toV1Filter(await getV1Filter(core, viewerOf(c).id, c.req.param("id")))));
  routes.put("/:id", requireUser("write:filters"), async (c) => {
    const input = v1InputOf(await readInput(c, V1Filter));
    return c.json(toV1Filter(await updateV1Filter(core, viewerOf(c).id, c.req.param("id"), input)));
  });
  routes.delete("/:id", requireUser("write:filters"), async (c) => {
    await deleteV1Filter(core, viewerOf(c).id, c.req.param("id"));
    return c.json({});
  });

  return routes;
}
