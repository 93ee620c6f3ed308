import type { CoreContext } from "../../core/context.ts";
import { loadActiveFilters, matchFilters, type ActiveFilter } from "../../core/filters/filter-matching.ts";
import { loadAccountEmojis } from "../../core/emojis/account-emojis.ts";
import { htmlToPlainText } from "../../core/statuses/plain-text.ts";
import { statusUri, statusUrl } from "../../core/statuses/status-addresses.ts";
import { loadStatusBundle, type StatusBundle, type StatusCounts } from "../../core/statuses/status-bundle.ts";
import type { Visibility } from "../../db/schema.ts";
import { toAccount, type MastodonAccount } from "./account.ts";
import { toCustomEmoji, type MastodonCustomEmoji } from "./custom-emoji.ts";
import { toFilterResult, type MastodonFilterResult } from "./filter.ts";
import { toMediaAttachment, type MastodonMediaAttachment } from "./media-attachment.ts";
import { toPoll, type MastodonPoll } from "./poll.ts";
import { previewCardFromJson, type MastodonPreviewCard } from "./preview-card.ts";
import type { AccountRow, StatusRow } from "../../core/rows.ts";
import { type AccountEntityRow, loadAccountsWithStats, noAccountStats } from "../../core/accounts/account-stats.ts";

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
export interface MastodonQuote {
  state: "accepted" | "deleted" | "unauthorized";
  quoted_status: MastodonStatus | null;
}

/** Mastodon's Status entity. The viewer's flags (favourited, ...) only for a signed-in viewer, as Mastodon has them. */
export interface MastodonStatus {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  edited_at: string | null;
  account: MastodonAccount;
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
  reblog: MastodonStatus | null;
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
  quote?: MastodonQuote | null;
}

export interface StatusRenderOptions {
  /** The filter context of the list (home, public, thread, account, notifications): its filters fill `filtered`. */
  filterContext?: string;
  /** Include `text`, the source as typed (delete answers it for redrafting). */
  withSource?: boolean;
}

interface RenderState {
  bundle: StatusBundle;
  origin: string;
  filters: readonly ActiveFilter[];
  withSource: boolean;
  /** Each account rendered once per page: an author of many statuses is one object, serialised each time. */
  accounts: Map<string, MastodonAccount>;
}

/** An account the bundle holds as Mastodon's Account entity, with the numbers and emoji read beside it. */
export function bundledAccountEntity(bundle: StatusBundle, row: AccountEntityRow, origin: string): MastodonAccount {
  return toAccount(row, bundle.accountStats.get(row.id) ?? noAccountStats(), origin, bundle.accountEmojis.get(row.id) ?? []);
}

function accountOf(state: RenderState, accountId: string): MastodonAccount {
  const rendered = state.accounts.get(accountId);
  if (rendered !== undefined) return rendered;
  const row = state.bundle.accounts.get(accountId);
  if (!row) throw new Error(`Account ${accountId} of a status was not loaded.`);
  const account = bundledAccountEntity(state.bundle, row, state.origin);
  state.accounts.set(accountId, account);
  return account;
}

function filterText(bundle: StatusBundle, status: StatusRow): string {
  const media = bundle.media.get(status.id) ?? [];
  const poll = bundle.polls.get(status.id);
  return [status.spoiler_text, htmlToPlainText(status.content), ...media.map((row) => row.description ?? ""), ...(poll?.options ?? [])].join("\n");
}

/**
 * As Mastodon's REST::StatusSerializer#sensitive: a moderator's "sensitive" on an account (sensitized_at) marks
 * all its media sensitive for everyone but the author, whose own view keeps the flag they chose.
 */
export function isShownSensitive(status: StatusRow, author: Pick<AccountRow, "id" | "sensitized_at">, mediaCount: number, viewerId: string | null): boolean {
  if (status.sensitive === 1) return true;
  return author.sensitized_at !== null && mediaCount > 0 && viewerId !== author.id;
}

/**
 * The fields of a status that are the same for every viewer at every time, in the entity's order, in the groups
 * between those that are not (the account, sensitive, reblog, poll, then the viewer's flags): what the JSON kept
 * across pages (status-json.ts) is made from.
 */
export interface SharedStatusFields {
  head: Pick<MastodonStatus, "id" | "uri" | "url" | "created_at" | "edited_at">;
  body: Pick<MastodonStatus, "content" | "visibility">;
  middle: Pick<
    MastodonStatus,
    | "spoiler_text"
    | "media_attachments"
    | "application"
    | "mentions"
    | "tags"
    | "emojis"
    | "reblogs_count"
    | "favourites_count"
    | "replies_count"
    | "in_reply_to_id"
    | "in_reply_to_account_id"
  >;
  tail: Pick<MastodonStatus, "card" | "language">;
}

// Each field the same for every viewer made by one function, which the entity (render) and its kept JSON
// (sharedStatusFields) both call: the entity is one object literal, as building it from the groups with spreads
// made a page of entities a quarter slower.
function countsOf(bundle: StatusBundle, status: StatusRow): StatusCounts {
  return bundle.counts.get(status.id) ?? { replies: 0, reblogs: 0, favourites: 0 };
}

function mediaOf(bundle: StatusBundle, status: StatusRow, origin: string): MastodonMediaAttachment[] {
  return (bundle.media.get(status.id) ?? []).map((row) => toMediaAttachment(row, origin));
}

function applicationOf(bundle: StatusBundle, status: StatusRow): MastodonStatus["application"] {
  const application = status.application_id ? bundle.applications.get(status.application_id) : undefined;
  return application && status.local === 1 ? { name: application.name, website: application.website } : null;
}

function mentionsOf(bundle: StatusBundle, status: StatusRow, origin: string): MastodonMention[] {
  return (bundle.mentions.get(status.id) ?? []).flatMap((accountId) => {
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
  });
}

function tagsOf(bundle: StatusBundle, status: StatusRow, origin: string): MastodonStatusTag[] {
  return (bundle.tags.get(status.id) ?? []).map((tag) => ({ name: tag.name, url: `${origin}/tags/${encodeURIComponent(tag.name)}` }));
}

function emojisOf(bundle: StatusBundle, status: StatusRow, origin: string): MastodonCustomEmoji[] {
  return (bundle.emojis.get(status.id) ?? []).map((row) => toCustomEmoji(row, origin));
}

export function sharedStatusFields(bundle: StatusBundle, status: StatusRow, author: AccountEntityRow, origin: string): SharedStatusFields {
  const counts = countsOf(bundle, status);
  return {
    head: {
      id: status.id,
      uri: statusUri(status, author, origin),
      url: statusUrl(status, author, origin),
      created_at: status.created_at,
      edited_at: status.edited_at,
    },
    body: { content: status.content, visibility: status.visibility },
    middle: {
      spoiler_text: status.spoiler_text,
      media_attachments: mediaOf(bundle, status, origin),
      application: applicationOf(bundle, status),
      mentions: mentionsOf(bundle, status, origin),
      tags: tagsOf(bundle, status, origin),
      emojis: emojisOf(bundle, status, origin),
      reblogs_count: counts.reblogs,
      favourites_count: counts.favourites,
      replies_count: counts.replies,
      in_reply_to_id: status.in_reply_to_id,
      in_reply_to_account_id: status.in_reply_to_account_id,
    },
    tail: { card: previewCardFromJson(bundle.cards.get(status.id), origin), language: status.language },
  };
}

/** The status's author, as the bundle must hold it. */
export function authorOf(bundle: StatusBundle, status: StatusRow): AccountEntityRow {
  const author = bundle.accounts.get(status.account_id);
  if (!author) throw new Error(`The author of status ${status.id} was not loaded.`);
  return author;
}

/** The status a boost boosts, where the bundle holds it: what the entity's `reblog` shows. */
export function boostedOf(bundle: StatusBundle, status: StatusRow): StatusRow | undefined {
  return status.reblog_of_id ? bundle.statuses.get(status.reblog_of_id) : undefined;
}

/** The poll as this viewer sees it now (totals hidden, ended, their votes). */
export function pollOf(bundle: StatusBundle, status: StatusRow, author: AccountEntityRow, origin: string): MastodonPoll | null {
  const poll = bundle.polls.get(status.id);
  return poll ? toPoll(poll, { emojis: bundle.emojis.get(status.id) ?? [], viewerId: bundle.viewerId, authorId: author.id, now: bundle.now, origin }) : null;
}

/** The viewer's flags on a status, as bits: the same bits give the same flags (viewerFlagsOf). */
const FLAG_BITS = { favourited: 1, reblogged: 2, muted: 4, bookmarked: 8, showsPinned: 16, pinned: 32 } as const;

/** The flags of a signed-in viewer on `actionable` (what a status or its boost's buttons act on), as bits. */
export function viewerFlagBits(bundle: StatusBundle, actionable: StatusRow): number {
  const { viewer } = bundle;
  let bits = 0;
  if (viewer.favourited.has(actionable.id)) bits |= FLAG_BITS.favourited;
  if (viewer.reblogged.has(actionable.id)) bits |= FLAG_BITS.reblogged;
  if (actionable.conversation_id !== null && viewer.mutedConversations.has(actionable.conversation_id)) bits |= FLAG_BITS.muted;
  if (viewer.bookmarked.has(actionable.id)) bits |= FLAG_BITS.bookmarked;
  // Only the viewer's own statuses say whether they are pinned.
  if (actionable.account_id === bundle.viewerId) bits |= FLAG_BITS.showsPinned | (viewer.pinned.has(actionable.id) ? FLAG_BITS.pinned : 0);
  return bits;
}

type ViewerFlags = Pick<MastodonStatus, "favourited" | "reblogged" | "muted" | "bookmarked" | "pinned">;

/** Sets the flags the bits say on `target`, in the entity's order. */
export function assignViewerFlags(target: ViewerFlags, bits: number): void {
  target.favourited = (bits & FLAG_BITS.favourited) !== 0;
  target.reblogged = (bits & FLAG_BITS.reblogged) !== 0;
  target.muted = (bits & FLAG_BITS.muted) !== 0;
  target.bookmarked = (bits & FLAG_BITS.bookmarked) !== 0;
  if ((bits & FLAG_BITS.showsPinned) !== 0) target.pinned = (bits & FLAG_BITS.pinned) !== 0;
}

/** The viewer's filters that match a status shown at `depth` (only the outermost is filtered). */
export function filteredOf(bundle: StatusBundle, filters: readonly ActiveFilter[], actionable: StatusRow, depth: number): MastodonFilterResult[] {
  // The text is only worked out when there are filters to test it against.
  return depth === 0 && filters.length > 0 ? matchFilters(filters, { statusId: actionable.id, text: filterText(bundle, actionable) }).map(toFilterResult) : [];
}

/** Whether a status quotes (the entity's `quote` is then present). */
export function isQuote(status: StatusRow): boolean {
  return status.quote_of_id !== null || status.quote_uri !== null;
}

/** The quote's state, and the quoted status where the entity shows it whole (accepted, and not inside a quote). */
export function quoteTarget(bundle: StatusBundle, status: StatusRow, depth: number): { state: MastodonQuote["state"]; quoted: StatusRow | null } {
  const quoted = status.quote_of_id ? bundle.statuses.get(status.quote_of_id) : undefined;
  if (!quoted) return { state: "deleted", quoted: null };
  if (!bundle.visibleQuotes.has(quoted.id)) return { state: "unauthorized", quoted: null };
  // A quote inside a quote is shown by reference only, as Mastodon nests one level.
  return { state: "accepted", quoted: depth > 0 ? null : quoted };
}

function render(state: RenderState, status: StatusRow, depth: number): MastodonStatus {
  const { bundle, origin } = state;
  const author = authorOf(bundle, status);
  const boosted = boostedOf(bundle, status);
  const reblog = boosted ? render(state, boosted, depth + 1) : null;
  const counts = countsOf(bundle, status);
  const entity: MastodonStatus = {
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
    media_attachments: mediaOf(bundle, status, origin),
    application: applicationOf(bundle, status),
    mentions: mentionsOf(bundle, status, origin),
    tags: tagsOf(bundle, status, origin),
    emojis: emojisOf(bundle, status, origin),
    reblogs_count: counts.reblogs,
    favourites_count: counts.favourites,
    replies_count: counts.replies,
    in_reply_to_id: status.in_reply_to_id,
    in_reply_to_account_id: status.in_reply_to_account_id,
    reblog,
    poll: pollOf(bundle, status, author, origin),
    card: previewCardFromJson(bundle.cards.get(status.id), origin),
    language: status.language,
  };
  if (state.withSource && depth === 0) entity.text = status.text;
  if (bundle.viewerId !== null) {
    // The viewer's flags on a boost are those of what it boosts: that is what a client's buttons act on.
    const actionable = boosted ?? status;
    assignViewerFlags(entity, viewerFlagBits(bundle, actionable));
    entity.filtered = filteredOf(bundle, state.filters, actionable, depth);
  }
  if (isQuote(status)) {
    const { state: quoteState, quoted } = quoteTarget(bundle, status, depth);
    entity.quote = { state: quoteState, quoted_status: quoted ? render(state, quoted, depth + 1) : null };
  }
  return entity;
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
  if (rows.length === 0) {
    const { accounts, stats } = await loadAccountsWithStats(core, accountIds);
    const emojis = await loadAccountEmojis(core, [...accounts.values()]);
    const entities = new Map<string, MastodonAccount>();
    for (const [id, row] of [...accounts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      entities.set(id, toAccount(row, stats.get(id) ?? noAccountStats(), origin, emojis.get(id) ?? []));
    }
    return { statuses: [], accounts: entities };
  }
  const { bundle, filters } = await loadStatusPage(core, rows, viewerId, options, accountIds);
  const state: RenderState = { bundle, origin, filters, withSource: options.withSource ?? false, accounts: new Map() };
  const statuses = rows.map((row) => render(state, row, 0));
  const accounts = new Map<string, MastodonAccount>();
  // In id order, as a query by ids returns them.
  for (const id of [...new Set(accountIds)].sort()) if (bundle.accounts.has(id)) accounts.set(id, accountOf(state, id));
  return { statuses, accounts };
}

/** What a page of statuses is rendered from: the bundle, with `accountIds` read beside the authors, and the viewer's filters. */
export async function loadStatusPage(
  core: CoreContext,
  rows: readonly StatusRow[],
  viewerId: string | null,
  options: StatusRenderOptions,
  accountIds: readonly string[],
): Promise<{ bundle: StatusBundle; filters: readonly ActiveFilter[] }> {
  const [bundle, filters] = await Promise.all([
    loadStatusBundle(core, rows, viewerId, { alsoAccountIds: accountIds }),
    viewerId && options.filterContext ? loadActiveFilters(core, viewerId, options.filterContext) : Promise.resolve([]),
  ]);
  return { bundle, filters };
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
