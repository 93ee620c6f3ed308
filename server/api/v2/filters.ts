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
import { clearable, flag, hashList, presentText, readInput, text, textList, type Field, type Input } from "../input.ts";
import { viewerOf } from "../request-accounts.ts";

// A century: past any real wish, and within what a timestamp holds (a larger number made the date throw).
const MAX_EXPIRES_IN_SECONDS = 100 * 365 * 24 * 60 * 60;

/** expires_in: seconds from now; empty or null for no end; absent to leave it. */
export function expiresIn(): Field<number | null | undefined> {
  return clearable((params, name) => {
    const seconds = Number(params[name]);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Invalid("expires_in must be a positive number of seconds, or empty for no end.");
    if (seconds > MAX_EXPIRES_IN_SECONDS) throw new Invalid(`expires_in can be at most ${MAX_EXPIRES_IN_SECONDS} seconds (a century), or empty for no end.`);
    return seconds;
  });
}

/** A filter, and its keywords_attributes: with an id an entry changes (or, with _destroy, removes) that keyword. */
const Filter = {
  title: text(),
  context: textList(),
  filter_action: text(),
  expires_in: expiresIn(),
  keywords_attributes: hashList({ id: text(), keyword: text(), whole_word: flag(), _destroy: flag(false) }),
};

function filterInputOf(input: Input<typeof Filter>): FilterInput {
  return {
    title: input.title,
    context: input.context,
    action: input.filter_action,
    expiresIn: input.expires_in,
    keywords: input.keywords_attributes?.map((entry): KeywordChange => ({ id: entry.id, keyword: entry.keyword, wholeWord: entry.whole_word, destroy: entry._destroy })),
  };
}

const Keyword = { keyword: text(), whole_word: flag() };
const FilterStatus = { status_id: presentText() };

/** /api/v2/filters: filters with their keywords and statuses, and each of those on its own. */
export function filterV2Routes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  const read = requireUser("read:filters");
  const write = requireUser("write:filters");

  // Keywords and statuses by their own ids, before /:id so that "keywords" is never taken for a filter id.
  routes.get("/keywords/:id", read, async (c) => c.json(toFilterKeyword((await getFilterKeyword(core, viewerOf(c).id, c.req.param("id"))).keyword)));
  routes.put("/keywords/:id", write, async (c) => {
    const input = await readInput(c, Keyword);
    const keyword = await updateFilterKeyword(core, viewerOf(c).id, c.req.param("id"), { keyword: input.keyword, wholeWord: input.whole_word });
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
  routes.post("/", write, async (c) => c.json(toFilter(await createFilter(core, viewerOf(c).id, filterInputOf(await readInput(c, Filter))))));
  routes.get("/:id", read, async (c) => c.json(toFilter(await getFilter(core, viewerOf(c).id, c.req.param("id")))));
  routes.put("/:id", write, async (c) => {
    const input = filterInputOf(await readInput(c, Filter));
    return c.json(toFilter(await updateFilter(core, viewerOf(c).id, c.req.param("id"), input)));
  });
  routes.delete("/:id", write, async (c) => {
    await deleteFilter(core, viewerOf(c).id, c.req.param("id"));
    return c.json({});
  });

  routes.get("/:id/keywords", read, async (c) => c.json((await listFilterKeywords(core, viewerOf(c).id, c.req.param("id"))).map(toFilterKeyword)));
  routes.post("/:id/keywords", write, async (c) => {
    const input = await readInput(c, Keyword);
    const keyword = await addFilterKeyword(core, viewerOf(c).id, c.req.param("id"), { keyword: input.keyword, wholeWord: input.whole_word });
    return c.json(toFilterKeyword(keyword));
  });
  routes.get("/:id/statuses", read, async (c) => c.json((await listFilterStatuses(core, viewerOf(c).id, c.req.param("id"))).map(toFilterStatus)));
  routes.post("/:id/statuses", write, async (c) => {
    const { status_id: statusId } = await readInput(c, FilterStatus);
    if (!statusId) throw new Invalid("Give the status to filter as status_id.");
    return c.json(toFilterStatus(await addFilterStatus(core, viewerOf(c).id, c.req.param("id"), statusId)));
  });

  return routes;
}
