import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import {
  addFilterKeyword,
  addFilterStatus,
  createFilter,
  deleteFilter,
  deleteFilterKeyword,
  deleteFilterStatus,
  getFilter,
  getFilterKeyword,
  getFilterStatus,
  listFilterKeywords,
  listFilters,
  listFilterStatuses,
  updateFilter,
  updateFilterKeyword,
  type FilterInput,
  type KeywordChange,
} from "../../core/filters/filters.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { toFilter, toFilterKeyword, toFilterStatus } from "../entities/filter.ts";
import { nestedBoolean, nestedHashList, nestedText, nestedTextList, readNestedParams, type NestedParams } from "../nested-params.ts";
import { viewerOf } from "../request-accounts.ts";

// A century: past any real wish, and within what a timestamp holds (a larger number made the date throw).
const MAX_EXPIRES_IN_SECONDS = 100 * 365 * 24 * 60 * 60;

/** expires_in: seconds from now; empty or null for no end; absent to leave it. */
export function readExpiresIn(params: NestedParams): number | null | undefined {
  if (!("expires_in" in params)) return undefined;
  const raw = params.expires_in;
  if (raw === null || raw === "") return null;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Invalid("expires_in must be a positive number of seconds, or empty for no end.");
  if (seconds > MAX_EXPIRES_IN_SECONDS) throw new Invalid(`expires_in can be at most ${MAX_EXPIRES_IN_SECONDS} seconds (a century), or empty for no end.`);
  return seconds;
}

function readKeywordChanges(params: NestedParams): KeywordChange[] | undefined {
  return nestedHashList(params, "keywords_attributes")?.map((entry) => ({
    id: nestedText(entry, "id"),
    keyword: nestedText(entry, "keyword"),
    wholeWord: nestedBoolean(entry, "whole_word"),
    destroy: nestedBoolean(entry, "_destroy") ?? false,
  }));
}

function readFilterInput(params: NestedParams): FilterInput {
  return {
    title: nestedText(params, "title"),
    context: nestedTextList(params, "context"),
    action: nestedText(params, "filter_action"),
    expiresIn: readExpiresIn(params),
    keywords: readKeywordChanges(params),
  };
}

/** /api/v2/filters: filters with their keywords and statuses, and each of those on its own. */
export function filterV2Routes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  const read = requireUser("read:filters");
  const write = requireUser("write:filters");

  // Keywords and statuses by their own ids, before /:id so that "keywords" is never taken for a filter id.
  routes.get("/keywords/:id", read, async (c) => c.json(toFilterKeyword((await getFilterKeyword(core, viewerOf(c).id, c.req.param("id"))).keyword)));
  routes.put("/keywords/:id", write, async (c) => {
    const params = await readNestedParams(c);
    const keyword = await updateFilterKeyword(core, viewerOf(c).id, c.req.param("id"), {
      keyword: nestedText(params, "keyword"),
      wholeWord: nestedBoolean(params, "whole_word"),
    });
    return c.json(toFilterKeyword(keyword));
  });
  routes.delete("/keywords/:id", write, async (c) => {
    await deleteFilterKeyword(core, viewerOf(c).id, c.req.param("id"));
    return c.json({});
  });
  routes.get("/statuses/:id", read, async (c) => c.json(toFilterStatus(await getFilterStatus(core, viewerOf(c).id, c.req.param("id")))));
  routes.delete("/statuses/:id", write, async (c) => {
    await deleteFilterStatus(core, viewerOf(c).id, c.req.param("id"));
    return c.json({});
  });

  routes.get("/", read, async (c) => c.json((await listFilters(core, viewerOf(c).id)).map(toFilter)));
  routes.post("/", write, async (c) => c.json(toFilter(await createFilter(core, viewerOf(c).id, readFilterInput(await readNestedParams(c))))));
  routes.get("/:id", read, async (c) => c.json(toFilter(await getFilter(core, viewerOf(c).id, c.req.param("id")))));
  routes.put("/:id", write, async (c) => {
    const input = readFilterInput(await readNestedParams(c));
    return c.json(toFilter(await updateFilter(core, viewerOf(c).id, c.req.param("id"), input)));
  });
  routes.delete("/:id", write, async (c) => {
    await deleteFilter(core, viewerOf(c).id, c.req.param("id"));
    return c.json({});
  });

  routes.get("/:id/keywords", read, async (c) => c.json((await listFilterKeywords(core, viewerOf(c).id, c.req.param("id"))).map(toFilterKeyword)));
  routes.post("/:id/keywords", write, async (c) => {
    const params = await readNestedParams(c);
    const keyword = await addFilterKeyword(core, viewerOf(c).id, c.req.param("id"), {
      keyword: nestedText(params, "keyword"),
      wholeWord: nestedBoolean(params, "whole_word"),
    });
    return c.json(toFilterKeyword(keyword));
  });
  routes.get("/:id/statuses", read, async (c) => c.json((await listFilterStatuses(core, viewerOf(c).id, c.req.param("id"))).map(toFilterStatus)));
  routes.post("/:id/statuses", write, async (c) => {
    const statusId = nestedText(await readNestedParams(c), "status_id");
    if (!statusId) throw new Invalid("Give the status to filter as status_id.");
    return c.json(toFilterStatus(await addFilterStatus(core, viewerOf(c).id, c.req.param("id"), statusId)));
  });

  return routes;
}
