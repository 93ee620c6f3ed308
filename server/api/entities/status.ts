import type { CoreContext } from "../../core/context.ts";
import { loadActiveFilters, matchFilters, type ActiveFilter } from "../../core/filters/filter-matching.ts";
import { loadAccountEmojis } from "../../core/emojis/account-emojis.ts";
import { htmlToPlainText } from "../../core/statuses/plain-text.ts";
import { statusUri, statusUrl } from "../../core/statuses/status-addresses.ts";
import { loadStatusBundle, type StatusBundle } from "../../core/statuses/status-bundle.ts";
import type { Visibility } from "../../db/schema.ts";
import { toAccount, type MastodonAccount } from "./account.ts";
import { toCustomEmoji, type MastodonCustomEmoji } from "./custom-emoji.ts";
import { toFilterResult, type MastodonFilterResult } from "./filter.ts";
import { toMediaAttachment, type MastodonMediaAttachment } from "./media-attachment.ts";
import { toPoll, type MastodonPoll } from "./poll.ts";
import { previewCardFromJson, type MastodonPreviewCard } from "./preview-card.ts";
import type { AccountRow, CustomEmojiRow, StatusRow } from "../../core/rows.ts";
import { type AccountEntityRow, type AccountStats, loadAccountsWithStats, noAccountStats } from "../../core/accounts/account-stats.ts";

/** Mastodon's StatusMention. */
export interface MastodonMention {
  id: string;
  username: string;
  url: string;
  acct: string;
}

/** Mastodon's StatusTag. */
export interface MastodonStatusTag {
  name: string;
  url: string;
}

/** Mastodon 4.4's Quote: the quoted status, or why it is not shown. */
export interface QuoteShape<A> {
  state: "accepted" | "deleted" | "unauthorized";
  quoted_status: StatusShape<A> | null;
}
export type MastodonQuote = QuoteShape<MastodonAccount>;

/**
 * Mastodon's Status entity, its accounts as A: entity objects (MastodonStatus), or the accounts' JSON kept
 * across pages (page-json.ts writes those). The viewer's flags (favourited, ...) only for a signed-in viewer, as
 * Mastodon has them.
 */
export interface StatusShape<A> {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  edited_at: string | null;
  account: A;
  content: string;
  visibility: Visibility;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MastodonMediaAttachment[];
  application: { name: string; website: string | null } | null;
  mentions: MastodonMention[];
  tags: MastodonStatusTag[];
  emojis: MastodonCustomEmoji[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: StatusShape<A> | null;
  poll: MastodonPoll | null;
  card: MastodonPreviewCard | null;
  language: string | null;
  /** The text as typed: only in delete-and-redraft answers. */
  text?: string | null;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  /** Only on the viewer's own statuses. */
  pinned?: boolean;
  filtered?: MastodonFilterResult[];
  quote?: QuoteShape<A> | null;
}
export type MastodonStatus = StatusShape<MastodonAccount>;

export interface StatusRenderOptions {
  /** The filter context of the list (home, public, thread, account, notifications): its filters fill `filtered`. */
  filterContext?: string;
  /** Include `text`, the source as typed (delete answers it for redrafting). */
  withSource?: boolean;
}

interface RenderState<A> {
  bundle: StatusBundle;
  origin: string;
  filters: readonly ActiveFilter[];
  withSource: boolean;
  /** Each account rendered once per page: an author of many statuses is one object, serialised each time. */
  accounts: Map<string, A>;
  /** toAccount, or accountJson for a page written as JSON (page-json.ts). */
  shapeAccount: AccountShaper<A>;
}

type AccountShaper<A> = (row: AccountEntityRow, stats: AccountStats, origin: string, emojis: readonly CustomEmojiRow[]) => A;

function accountOf<A>(state: RenderState<A>, accountId: string): A {
  const rendered = state.accounts.get(accountId);
  if (rendered !== undefined) return rendered;
  const { bundle, origin } = state;
  const row = bundle.accounts.get(accountId);
  if (!row) throw new Error(`Account ${accountId} of a status was not loaded.`);
  const account = state.shapeAccount(row, bundle.accountStats.get(accountId) ?? noAccountStats(), origin, bundle.accountEmojis.get(accountId) ?? []);
  state.accounts.set(accountId, account);
  return account;
}

function filterText<A>(state: RenderState<A>, status: StatusRow): string {
  const media = state.bundle.media.get(status.id) ?? [];
  const poll = state.bundle.polls.get(status.id);
  return [status.spoiler_text, htmlToPlainText(status.content), ...media.map((row) => row.description ?? ""), ...(poll?.options ?? [])].join("\n");
}

/**
 * As Mastodon's REST::StatusSerializer#sensitive: a moderator's "sensitive" on an account (sensitized_at) marks
 * all its media sensitive for everyone but the author, whose own view keeps the flag they chose.
 */
function isShownSensitive(status: StatusRow, author: Pick<AccountRow, "id" | "sensitized_at">, mediaCount: number, viewerId: string | null): boolean {
  if (status.sensitive === 1) return true;
  return author.sensitized_at !== null && mediaCount > 0 && viewerId !== author.id;
}

function render<A>(state: RenderState<A>, status: StatusRow, depth: number): StatusShape<A> {
  const { bundle, origin } = state;
  const author = bundle.accounts.get(status.account_id);
  if (!author) throw new Error(`The author of status ${status.id} was not loaded.`);
  const boosted = status.reblog_of_id ? bundle.statuses.get(status.reblog_of_id) : undefined;
  const reblog = boosted ? render(state, boosted, depth + 1) : null;
  const counts = bundle.counts.get(status.id) ?? { replies: 0, reblogs: 0, favourites: 0 };
  const application = status.application_id ? bundle.applications.get(status.application_id) : undefined;
  const poll = bundle.polls.get(status.id);
  // The viewer's flags on a boost are those of what it boosts: that is what a client's buttons act on.
  const actionable = boosted ?? status;
  const entity: StatusShape<A> = {
    id: status.id,
    uri: statusUri(status, author, origin),
    url: statusUrl(status, author, origin),
    created_at: status.created_at,
    edited_at: status.edited_at,
    account: accountOf(state, status.account_id),
    content: status.content,
    visibility: status.visibility,
    sensitive: isShownSensitive(status, author, bundle.media.get(status.id)?.length ?? 0, bundle.viewerId),
    spoiler_text: status.spoiler_text,
    media_attachments: (bundle.media.get(status.id) ?? []).map((row) => toMediaAttachment(row, origin)),
    application: application && status.local === 1 ? { name: application.name, website: application.website } : null,
    mentions: (bundle.mentions.get(status.id) ?? []).flatMap((accountId) => {
      const account = bundle.accounts.get(accountId);
      if (!account) return [];
      return [
        {
          id: account.id,
          username: account.username,
          url: account.url ?? `${origin}/@${account.username}`,
          acct: account.domain === null ? account.username : `${account.username}@${account.domain}`,
        },
      ];
    }),
    tags: (bundle.tags.get(status.id) ?? []).map((tag) => ({ name: tag.name, url: `${origin}/tags/${encodeURIComponent(tag.name)}` })),
    emojis: (bundle.emojis.get(status.id) ?? []).map((row) => toCustomEmoji(row, origin)),
    reblogs_count: counts.reblogs,
    favourites_count: counts.favourites,
    replies_count: counts.replies,
    in_reply_to_id: status.in_reply_to_id,
    in_reply_to_account_id: status.in_reply_to_account_id,
    reblog,
    poll: poll ? toPoll(poll, { emojis: bundle.emojis.get(status.id) ?? [], viewerId: bundle.viewerId, authorId: author.id, now: bundle.now, origin }) : null,
    card: previewCardFromJson(bundle.cards.get(status.id), origin),
    language: status.language,
  };
  if (state.withSource && depth === 0) entity.text = status.text;
  if (bundle.viewerId !== null) {
    entity.favourited = bundle.viewer.favourited.has(actionable.id);
    entity.reblogged = bundle.viewer.reblogged.has(actionable.id);
    entity.muted = actionable.conversation_id !== null && bundle.viewer.mutedConversations.has(actionable.conversation_id);
    entity.bookmarked = bundle.viewer.bookmarked.has(actionable.id);
    if (actionable.account_id === bundle.viewerId) entity.pinned = bundle.viewer.pinned.has(actionable.id);
    // The text is only worked out when there are filters to test it against.
    entity.filtered =
      depth === 0 && state.filters.length > 0 ? matchFilters(state.filters, { statusId: actionable.id, text: filterText(state, actionable) }).map(toFilterResult) : [];
  }
  if (status.quote_of_id !== null || status.quote_uri !== null) entity.quote = quoteOf(state, status, depth);
  return entity;
}

function quoteOf<A>(state: RenderState<A>, status: StatusRow, depth: number): QuoteShape<A> {
  const quoted = status.quote_of_id ? state.bundle.statuses.get(status.quote_of_id) : undefined;
  if (!quoted) return { state: "deleted", quoted_status: null };
  if (!state.bundle.visibleQuotes.has(quoted.id)) return { state: "unauthorized", quoted_status: null };
  // A quote inside a quote is shown by reference only, as Mastodon nests one level.
  if (depth > 0) return { state: "accepted", quoted_status: null };
  return { state: "accepted", quoted_status: render(state, quoted, depth + 1) };
}

/** Statuses as Mastodon's Status entities for one viewer, read in a fixed number of queries for the whole page. */
export async function toStatuses(
  core: CoreContext,
  rows: readonly StatusRow[],
  viewerId: string | null,
  origin: string,
  options: StatusRenderOptions = {},
): Promise<MastodonStatus[]> {
  if (rows.length === 0) return [];
  return (await toStatusesWithAccounts(core, rows, viewerId, origin, options, [])).statuses;
}

/**
 * toStatuses, and more accounts read with the statuses' authors in the same queries (a page of
 * notifications names its senders): the accounts found, as entities, by id.
 */
export async function toStatusesWithAccounts(
  core: CoreContext,
  rows: readonly StatusRow[],
  viewerId: string | null,
  origin: string,
  options: StatusRenderOptions,
  accountIds: readonly string[],
): Promise<{ statuses: MastodonStatus[]; accounts: Map<string, MastodonAccount> }> {
  return renderStatusPage(core, rows, viewerId, origin, options, accountIds, toAccount);
}

/** toStatusesWithAccounts with the accounts shaped by `shapeAccount`: entity objects, or their JSON (page-json.ts). */
export async function renderStatusPage<A>(
  core: CoreContext,
  rows: readonly StatusRow[],
  viewerId: string | null,
  origin: string,
  options: StatusRenderOptions,
  accountIds: readonly string[],
  shapeAccount: AccountShaper<A>,
): Promise<{ statuses: StatusShape<A>[]; accounts: Map<string, A> }> {
  if (rows.length === 0) {
    const { accounts, stats } = await loadAccountsWithStats(core, accountIds);
    const emojis = await loadAccountEmojis(core, [...accounts.values()]);
    const entities = new Map<string, A>();
    for (const [id, row] of [...accounts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      entities.set(id, shapeAccount(row, stats.get(id) ?? noAccountStats(), origin, emojis.get(id) ?? []));
    }
    return { statuses: [], accounts: entities };
  }
  const [bundle, filters] = await Promise.all([
    loadStatusBundle(core, rows, viewerId, { alsoAccountIds: accountIds }),
    viewerId && options.filterContext ? loadActiveFilters(core, viewerId, options.filterContext) : Promise.resolve([]),
  ]);
  const state: RenderState<A> = { bundle, origin, filters, withSource: options.withSource ?? false, accounts: new Map(), shapeAccount };
  const statuses = rows.map((row) => render(state, row, 0));
  const accounts = new Map<string, A>();
  // In id order, as a query by ids returns them.
  for (const id of [...new Set(accountIds)].sort()) if (bundle.accounts.has(id)) accounts.set(id, accountOf(state, id));
  return { statuses, accounts };
}

/** One status as Mastodon's Status entity (streaming and Web Push use this too). */
export async function toStatus(
  core: CoreContext,
  row: StatusRow,
  viewerId: string | null,
  origin: string,
  options: StatusRenderOptions = {},
): Promise<MastodonStatus> {
  const [status] = await toStatuses(core, [row], viewerId, origin, options);
  if (!status) throw new Error(`Status ${row.id} could not be rendered.`);
  return status;
}
