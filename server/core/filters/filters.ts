import type { Kysely } from "kysely";
import { Invalid, NotFound } from "../errors.ts";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import type { FilterKeywordRow, FilterRow, FilterStatusRow } from "../rows.ts";
import { write, type WriteTransaction } from "../write.ts";

/**
 * Filters (Mastodon's v2 model): a titled filter applies in some contexts, warns, hides or blurs, may
 * expire, and matches by keywords and by chosen statuses. Every change tells the streaming API
 * (filters_changed), so open clients fetch the filters again.
 */

export type FilterAction = FilterRow["action"];
type Db = Kysely<DatabaseSchema>;

export const FILTER_CONTEXTS = ["home", "notifications", "public", "thread", "account"] as const;
export const FILTER_ACTIONS: readonly FilterAction[] = ["warn", "hide", "blur"];
const TITLE_MAX = 256;
const KEYWORD_MAX = 512;

/** A filter with everything that hangs off it. */
export interface FilterWithParts {
  filter: FilterRow;
  keywords: FilterKeywordRow[];
  statuses: FilterStatusRow[];
}

/** One entry of keywords_attributes: with an id it changes (or, with destroy, removes) that keyword. */
export interface KeywordChange {
  id?: string;
  keyword?: string;
  wholeWord?: boolean;
  destroy?: boolean;
}

export interface FilterInput {
  title?: string;
  context?: readonly string[];
  action?: string;
  /** Seconds from now; null for no end. Absent leaves it as it is. */
  expiresIn?: number | null;
  keywords?: readonly KeywordChange[];
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed === "") throw new Invalid("A filter needs a title.");
  if ([...trimmed].length > TITLE_MAX) throw new Invalid(`A filter's title has at most ${TITLE_MAX} characters.`);
  return trimmed;
}

function checkContext(context: readonly string[]): string {
  const unique = [...new Set(context)];
  if (unique.length === 0) throw new Invalid(`A filter applies somewhere: give context[] from ${FILTER_CONTEXTS.join(", ")}.`);
  const unknown = unique.filter((item) => !(FILTER_CONTEXTS as readonly string[]).includes(item));
  if (unknown.length > 0) throw new Invalid(`Unknown filter context ${unknown.join(", ")}; use ${FILTER_CONTEXTS.join(", ")}.`);
  return JSON.stringify(unique);
}

function checkAction(action: string): FilterAction {
  if (!FILTER_ACTIONS.includes(action as FilterAction)) throw new Invalid(`filter_action must be one of ${FILTER_ACTIONS.join(", ")}, not "${action}".`);
  return action as FilterAction;
}

export function checkKeyword(keyword: string | undefined): string {
  const trimmed = keyword?.trim() ?? "";
  if (trimmed === "") throw new Invalid("A filter keyword cannot be empty.");
  if ([...trimmed].length > KEYWORD_MAX) throw new Invalid(`A filter keyword has at most ${KEYWORD_MAX} characters.`);
  return trimmed;
}

function expiresAt(ctx: CoreContext, seconds: number | null): string | null {
  if (seconds === null) return null;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Invalid("expires_in must be a positive number of seconds.");
  return new Date(ctx.clock.now().getTime() + Math.round(seconds) * 1000).toISOString();
}

export function filterContexts(filter: FilterRow): string[] {
  const parsed: unknown = JSON.parse(filter.context_json);
  return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
}

async function partsOf(db: Db, filters: FilterRow[]): Promise<FilterWithParts[]> {
  if (filters.length === 0) return [];
  const ids = filters.map((filter) => filter.id);
  const [keywords, statuses] = await Promise.all([
    db.selectFrom("filter_keywords").selectAll().where("filter_id", "in", ids).orderBy("id").execute(),
    db.selectFrom("filter_statuses").selectAll().where("filter_id", "in", ids).orderBy("id").execute(),
  ]);
  return filters.map((filter) => ({
    filter,
    keywords: keywords.filter((keyword) => keyword.filter_id === filter.id),
    statuses: statuses.filter((status) => status.filter_id === filter.id),
  }));
}

async function ownFilter(db: Db, accountId: string, filterId: string): Promise<FilterRow> {
  const filter = await db.selectFrom("filters").selectAll().where("id", "=", filterId).where("account_id", "=", accountId).executeTakeFirst();
  if (!filter) throw new NotFound(`There is no filter ${filterId}.`);
  return filter;
}

/** A write to an account's filters: its streams hear filters_changed once it has committed. */
function changeFilters<T>(ctx: CoreContext, accountId: string, work: (trx: WriteTransaction) => Promise<T>): Promise<T> {
  return write(ctx, async (trx, after) => {
    const result = await work(trx);
    after.emit({ type: "filters.changed", accountId });
    return result;
  });
}

export async function listFilters(ctx: CoreContext, accountId: string): Promise<FilterWithParts[]> {
  const filters = await ctx.db.selectFrom("filters").selectAll().where("account_id", "=", accountId).orderBy("id").execute();
  return partsOf(ctx.db, filters);
}

export async function getFilter(ctx: CoreContext, accountId: string, filterId: string): Promise<FilterWithParts> {
  const [parts] = await partsOf(ctx.db, [await ownFilter(ctx.db, accountId, filterId)]);
  if (!parts) throw new NotFound(`There is no filter ${filterId}.`);
  return parts;
}

/** The keyword columns a change sets: only what it names. */
function keywordColumns(change: { keyword?: string; wholeWord?: boolean }): { keyword?: string; whole_word?: number } {
  return {
    ...(change.keyword === undefined ? {} : { keyword: checkKeyword(change.keyword) }),
    ...(change.wholeWord === undefined ? {} : { whole_word: change.wholeWord ? 1 : 0 }),
  };
}

async function applyKeywordChanges(ctx: CoreContext, trx: Db, filterId: string, changes: readonly KeywordChange[]): Promise<void> {
  for (const change of changes) {
    if (change.id !== undefined) {
      const existing = await trx.selectFrom("filter_keywords").selectAll().where("id", "=", change.id).where("filter_id", "=", filterId).executeTakeFirst();
      if (!existing) throw new NotFound(`There is no keyword ${change.id} in this filter.`);
      if (change.destroy) {
        await trx.deleteFrom("filter_keywords").where("id", "=", existing.id).execute();
        continue;
      }
      const columns = keywordColumns(change);
      if (Object.keys(columns).length > 0) await trx.updateTable("filter_keywords").set(columns).where("id", "=", existing.id).execute();
      continue;
    }
    if (change.destroy) continue;
    await trx
      .insertInto("filter_keywords")
      .values({ id: ctx.ids.next(), filter_id: filterId, keyword: checkKeyword(change.keyword), whole_word: change.wholeWord === false ? 0 : 1 })
      .execute();
  }
}

export async function createFilter(ctx: CoreContext, accountId: string, input: FilterInput): Promise<FilterWithParts> {
  const title = checkTitle(input.title ?? "");
  const contextJson = checkContext(input.context ?? []);
  const action = checkAction(input.action ?? "warn");
  const expires = expiresAt(ctx, input.expiresIn ?? null);
  const filterId = await changeFilters(ctx, accountId, async (trx) => {
    const now = ctx.clock.now();
    const id = ctx.ids.next(now);
    await trx
      .insertInto("filters")
      .values({ id, account_id: accountId, title, context_json: contextJson, action, expires_at: expires, created_at: now.toISOString() })
      .execute();
    await applyKeywordChanges(ctx, trx, id, (input.keywords ?? []).filter((keyword) => keyword.id === undefined));
    return id;
  });
  return getFilter(ctx, accountId, filterId);
}

export async function updateFilter(ctx: CoreContext, accountId: string, filterId: string, input: FilterInput): Promise<FilterWithParts> {
  const columns = {
    ...(input.title === undefined ? {} : { title: checkTitle(input.title) }),
    ...(input.context === undefined ? {} : { context_json: checkContext(input.context) }),
    ...(input.action === undefined ? {} : { action: checkAction(input.action) }),
    ...(input.expiresIn === undefined ? {} : { expires_at: expiresAt(ctx, input.expiresIn) }),
  };
  await changeFilters(ctx, accountId, async (trx) => {
    await ownFilter(trx, accountId, filterId);
    if (Object.keys(columns).length > 0) await trx.updateTable("filters").set(columns).where("id", "=", filterId).execute();
    await applyKeywordChanges(ctx, trx, filterId, input.keywords ?? []);
  });
  return getFilter(ctx, accountId, filterId);
}

export async function deleteFilter(ctx: CoreContext, accountId: string, filterId: string): Promise<void> {
  await ownFilter(ctx.db, accountId, filterId);
  await changeFilters(ctx, accountId, (trx) => trx.deleteFrom("filters").where("id", "=", filterId).execute());
}

// Keywords one at a time (/api/v2/filters/:id/keywords, /api/v2/filters/keywords/:id).

export async function listFilterKeywords(ctx: CoreContext, accountId: string, filterId: string): Promise<FilterKeywordRow[]> {
  await ownFilter(ctx.db, accountId, filterId);
  return ctx.db.selectFrom("filter_keywords").selectAll().where("filter_id", "=", filterId).orderBy("id").execute();
}

export async function addFilterKeyword(ctx: CoreContext, accountId: string, filterId: string, input: { keyword?: string; wholeWord?: boolean }): Promise<FilterKeywordRow> {
  const keyword = checkKeyword(input.keyword);
  await ownFilter(ctx.db, accountId, filterId);
  return changeFilters(ctx, accountId, (trx) =>
    trx
      .insertInto("filter_keywords")
      .values({ id: ctx.ids.next(), filter_id: filterId, keyword, whole_word: input.wholeWord === false ? 0 : 1 })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** A keyword of one of the account's filters, with its filter. */
export async function getFilterKeyword(ctx: CoreContext, accountId: string, keywordId: string): Promise<{ keyword: FilterKeywordRow; filter: FilterRow }> {
  const keyword = await ctx.db.selectFrom("filter_keywords").selectAll().where("id", "=", keywordId).executeTakeFirst();
  const filter = keyword && (await ctx.db.selectFrom("filters").selectAll().where("id", "=", keyword.filter_id).where("account_id", "=", accountId).executeTakeFirst());
  if (!keyword || !filter) throw new NotFound(`There is no filter keyword ${keywordId}.`);
  return { keyword, filter };
}

export async function updateFilterKeyword(
  ctx: CoreContext,
  accountId: string,
  keywordId: string,
  input: { keyword?: string; wholeWord?: boolean },
): Promise<FilterKeywordRow> {
  const { keyword } = await getFilterKeyword(ctx, accountId, keywordId);
  const columns = keywordColumns(input);
  if (Object.keys(columns).length === 0) return keyword;
  return changeFilters(ctx, accountId, (trx) =>
    trx.updateTable("filter_keywords").set(columns).where("id", "=", keywordId).returningAll().executeTakeFirstOrThrow(),
  );
}

export async function deleteFilterKeyword(ctx: CoreContext, accountId: string, keywordId: string): Promise<void> {
  await getFilterKeyword(ctx, accountId, keywordId);
  await changeFilters(ctx, accountId, (trx) => trx.deleteFrom("filter_keywords").where("id", "=", keywordId).execute());
}

// Statuses (/api/v2/filters/:id/statuses, /api/v2/filters/statuses/:id).

export async function listFilterStatuses(ctx: CoreContext, accountId: string, filterId: string): Promise<FilterStatusRow[]> {
  await ownFilter(ctx.db, accountId, filterId);
  return ctx.db.selectFrom("filter_statuses").selectAll().where("filter_id", "=", filterId).orderBy("id").execute();
}

/** Adds a status to a filter; the status must exist. Adding one already there answers the existing row. */
export async function addFilterStatus(ctx: CoreContext, accountId: string, filterId: string, statusId: string): Promise<FilterStatusRow> {
  await ownFilter(ctx.db, accountId, filterId);
  const status = await ctx.db.selectFrom("statuses").select("id").where("id", "=", statusId).executeTakeFirst();
  if (!status) throw new NotFound(`There is no status ${statusId}.`);
  const existing = await ctx.db.selectFrom("filter_statuses").selectAll().where("filter_id", "=", filterId).where("status_id", "=", statusId).executeTakeFirst();
  if (existing) return existing;
  return changeFilters(ctx, accountId, (trx) =>
    trx.insertInto("filter_statuses").values({ id: ctx.ids.next(), filter_id: filterId, status_id: statusId }).returningAll().executeTakeFirstOrThrow(),
  );
}

export async function getFilterStatus(ctx: CoreContext, accountId: string, filterStatusId: string): Promise<FilterStatusRow> {
  const row = await ctx.db
    .selectFrom("filter_statuses")
    .innerJoin("filters", "filters.id", "filter_statuses.filter_id")
    .selectAll("filter_statuses")
    .where("filter_statuses.id", "=", filterStatusId)
    .where("filters.account_id", "=", accountId)
    .executeTakeFirst();
  if (!row) throw new NotFound(`There is no filtered status ${filterStatusId}.`);
  return row;
}

export async function deleteFilterStatus(ctx: CoreContext, accountId: string, filterStatusId: string): Promise<void> {
  await getFilterStatus(ctx, accountId, filterStatusId);
  await changeFilters(ctx, accountId, (trx) => trx.deleteFrom("filter_statuses").where("id", "=", filterStatusId).execute());
}
