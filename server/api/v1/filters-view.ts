import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { checkKeyword, createFilter, deleteFilterKeyword, FILTER_CONTEXTS, getFilter, getFilterKeyword, listFilters, updateFilter } from "../../core/filters/filters.ts";
import type { V1Filter } from "../entities/filter.ts";

/**
 * The v1 filters API as a view onto core's filters (Mastodon's v2 model), as Mastodon keeps it for older
 * apps: each v1 filter is one keyword of a v2 filter, its id the keyword's; "irreversible" is the filter's
 * hide action. core knows nothing of API versions; this is the one place that knows the v1 shape of a filter.
 */

export interface V1FilterInput {
  phrase?: string;
  context?: readonly string[];
  irreversible?: boolean;
  wholeWord?: boolean;
  expiresIn?: number | null;
}

/** Every keyword of the account's filters, in the order they were made (their ids). */
export async function listV1Filters(core: CoreContext, accountId: string): Promise<V1Filter[]> {
  const filters = await listFilters(core, accountId);
  const v1Filters = filters.flatMap(({ filter, keywords }) => keywords.map((keyword) => ({ keyword, filter })));
  return v1Filters.sort((a, b) => (a.keyword.id < b.keyword.id ? -1 : a.keyword.id > b.keyword.id ? 1 : 0));
}

export async function getV1Filter(core: CoreContext, accountId: string, keywordId: string): Promise<V1Filter> {
  return getFilterKeyword(core, accountId, keywordId);
}

/** A v1 filter is a new v2 filter named for its phrase, with the phrase as its one keyword. */
export async function createV1Filter(core: CoreContext, accountId: string, input: V1FilterInput): Promise<V1Filter> {
  const phrase = checkKeyword(input.phrase);
  const created = await createFilter(core, accountId, {
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

function checkV1Context(context: readonly string[]): string[] {
  const unique = [...new Set(context)];
  if (unique.length === 0 || unique.some((item) => !(FILTER_CONTEXTS as readonly string[]).includes(item))) {
    throw new Invalid(`context[] must name some of ${FILTER_CONTEXTS.join(", ")}.`);
  }
  return unique;
}

/**
 * Changes a v1 filter. The keyword's own parts always change; the filter's (title, context, action, expiry)
 * only when the filter has this one keyword, since the change would otherwise reach keywords the app never saw.
 */
export async function updateV1Filter(core: CoreContext, accountId: string, keywordId: string, input: V1FilterInput): Promise<V1Filter> {
  const { filter } = await getFilterKeyword(core, accountId, keywordId);
  const title = input.phrase === undefined ? undefined : checkKeyword(input.phrase);
  const context = input.context === undefined ? undefined : checkV1Context(input.context);
  const action = input.irreversible === undefined ? undefined : input.irreversible ? ("hide" as const) : ("warn" as const);
  const expiresAt =
    input.expiresIn === undefined || input.expiresIn === null
      ? input.expiresIn
      : new Date(core.clock.now().getTime() + Math.round(input.expiresIn) * 1000).toISOString();
  const changesFilter =
    (title !== undefined && title !== filter.title) ||
    (context !== undefined && JSON.stringify(context) !== filter.context_json) ||
    (action !== undefined && action !== filter.action) ||
    (expiresAt !== undefined && expiresAt !== filter.expires_at);
  if (changesFilter && (await getFilter(core, accountId, filter.id)).keywords.length > 1) {
    throw new Invalid("These settings belong to a filter with more than one keyword and cannot be changed from this app; use a newer app or the web interface.");
  }
  await updateFilter(core, accountId, filter.id, {
    title,
    context,
    action,
    expiresIn: input.expiresIn,
    keywords: [{ id: keywordId, keyword: input.phrase, wholeWord: input.wholeWord }],
  });
  return getFilterKeyword(core, accountId, keywordId);
}

/** Deletes the v1 filter, which is the keyword; its v2 filter stays, as on Mastodon. */
export async function deleteV1Filter(core: CoreContext, accountId: string, keywordId: string): Promise<void> {
  await deleteFilterKeyword(core, accountId, keywordId);
}
