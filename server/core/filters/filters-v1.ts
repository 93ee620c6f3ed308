import { Invalid } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { checkKeyword, createFilter, keywordColumns, FILTER_CONTEXTS, getFilterKeyword } from "./filters.ts";
import type { FilterKeywordRow, FilterRow } from "../rows.ts";

/**
 * The v1 filters API over the v2 model, as Mastodon keeps it for older apps: each v1 filter is one keyword
 * of a v2 filter, its id the keyword's; "irreversible" is the filter's hide action.
 */

export interface V1Filter {
  keyword: FilterKeywordRow;
  filter: FilterRow;
}

export interface V1FilterInput {
  phrase?: string;
  context?: readonly string[];
  irreversible?: boolean;
  wholeWord?: boolean;
  expiresIn?: number | null;
}

export async function listV1Filters(ctx: CoreContext, accountId: string): Promise<V1Filter[]> {
  const rows = await ctx.db
    .selectFrom("filter_keywords")
    .innerJoin("filters", "filters.id", "filter_keywords.filter_id")
    .selectAll("filters")
    .select([
      "filter_keywords.id as keyword_id",
      "filter_keywords.keyword as keyword_keyword",
      "filter_keywords.whole_word as keyword_whole_word",
    ])
    .where("filters.account_id", "=", accountId)
    .orderBy("filter_keywords.id")
    .execute();
  return rows.map(({ keyword_id, keyword_keyword, keyword_whole_word, ...filter }) => ({
    keyword: { id: keyword_id, filter_id: filter.id, keyword: keyword_keyword, whole_word: keyword_whole_word },
    filter,
  }));
}

export async function getV1Filter(ctx: CoreContext, accountId: string, keywordId: string): Promise<V1Filter> {
  return getFilterKeyword(ctx, accountId, keywordId);
}

export async function createV1Filter(ctx: CoreContext, accountId: string, input: V1FilterInput): Promise<V1Filter> {
  const phrase = checkKeyword(input.phrase);
  const created = await createFilter(ctx, accountId, {
    title: phrase,
    context: input.context ?? [],
    action: input.irreversible ? "hide" : "warn",
    expiresIn: input.expiresIn ?? null,
    keywords: [{ keyword: phrase, wholeWord: input.wholeWord ?? true }],
  });
  const keyword = created.keywords[0];
  if (!keyword) throw new Error("A v1 filter was created without its keyword.");
  return { keyword, filter: created.filter };
}

/**
 * Changes a v1 filter. The keyword's own parts always change; the filter's (context, action, expiry) only
 * when the filter has this one keyword, since the change would otherwise reach keywords the app never saw.
 */
export async function updateV1Filter(ctx: CoreContext, accountId: string, keywordId: string, input: V1FilterInput): Promise<V1Filter> {
  const { filter } = await getFilterKeyword(ctx, accountId, keywordId);
  const filterChanges = {
    ...(input.phrase === undefined ? {} : { title: checkKeyword(input.phrase) }),
    ...(input.context === undefined ? {} : { context_json: JSON.stringify(checkV1Context(input.context)) }),
    ...(input.irreversible === undefined ? {} : { action: input.irreversible ? ("hide" as const) : ("warn" as const) }),
    ...(input.expiresIn === undefined
      ? {}
      : { expires_at: input.expiresIn === null ? null : new Date(ctx.clock.now().getTime() + Math.round(input.expiresIn) * 1000).toISOString() }),
  };
  const keywordChanges = keywordColumns({ keyword: input.phrase, wholeWord: input.wholeWord });
  await ctx.db.transaction().execute(async (trx) => {
    if (Object.keys(keywordChanges).length > 0) await trx.updateTable("filter_keywords").set(keywordChanges).where("id", "=", keywordId).execute();
    const keywordCount = await trx
      .selectFrom("filter_keywords")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("filter_id", "=", filter.id)
      .executeTakeFirstOrThrow();
    const filterChanged = Object.entries(filterChanges).some(([column, value]) => filter[column as keyof FilterRow] !== value);
    if (filterChanged && Number(keywordCount.count) > 1) {
      throw new Invalid(
        "These settings belong to a filter with more than one keyword and cannot be changed from this app; use a newer app or the web interface.",
      );
    }
    if (Object.keys(filterChanges).length > 0) await trx.updateTable("filters").set(filterChanges).where("id", "=", filter.id).execute();
  });
  ctx.events.emit({ type: "filters.changed", accountId });
  return getFilterKeyword(ctx, accountId, keywordId);
}

function checkV1Context(context: readonly string[]): string[] {
  const unique = [...new Set(context)];
  if (unique.length === 0 || unique.some((item) => !(FILTER_CONTEXTS as readonly string[]).includes(item))) {
    throw new Invalid(`context[] must name some of ${FILTER_CONTEXTS.join(", ")}.`);
  }
  return unique;
}

/** Deletes the v1 filter, which is the keyword; its v2 filter stays, as on Mastodon. */
export async function deleteV1Filter(ctx: CoreContext, accountId: string, keywordId: string): Promise<void> {
  await getFilterKeyword(ctx, accountId, keywordId);
  await ctx.db.deleteFrom("filter_keywords").where("id", "=", keywordId).execute();
  ctx.events.emit({ type: "filters.changed", accountId });
}
