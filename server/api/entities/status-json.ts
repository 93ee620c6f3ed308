import type { AccountEntityRow } from "../../core/accounts/account-stats.ts";
import { noAccountStats } from "../../core/accounts/account-stats.ts";
import type { ActiveFilter } from "../../core/filters/filter-matching.ts";
import type { StatusBundle } from "../../core/statuses/status-bundle.ts";
import type { StatusParts } from "../../core/statuses/status-parts.ts";
import type { CustomEmojiRow, StatusRow } from "../../core/rows.ts";
import { sameRow } from "../../db/same-row.ts";
import { accountJson } from "./account-json.ts";
import {
  authorOf,
  boostedOf,
  filteredOf,
  isQuote,
  isShownSensitive,
  pollOf,
  quoteTarget,
  sharedStatusFields,
  viewerFlagBits,
  assignViewerFlags,
} from "./status.ts";

/**
 * A status's JSON kept across pages, minus what depends on the viewer or the time: a fresh page's forty statuses
 * were built as objects and serialised again though a write since the last page changes one or two of them
 * (issue #19). What is kept is the text JSON.stringify gives for the fields the same for everyone
 * (status.ts's sharedStatusFields), with holes where the entity has a field that is not: `sensitive` (an account
 * a moderator marked shows its media as sensitive to all but itself), the boosted status and the poll, and the
 * author, whose JSON is kept on its own (account-json.ts) and shared by all its statuses. The viewer's flags,
 * filters and the quote follow the kept text, written for each page.
 */
const ACCOUNT = 0;
const SENSITIVE = 1;
const REBLOG = 2;
const POLL = 3;
type Hole = typeof ACCOUNT | typeof SENSITIVE | typeof REBLOG | typeof POLL;

interface KeptStatus {
  pieces: ReadonlyArray<string | Hole>;
  /** What the pieces were made from, besides the row: compared with what a page has before they are used. */
  author: AccountEntityRow;
  parts: StatusParts | undefined;
  replies: number;
  reblogs: number;
  favourites: number;
  /** Read afresh for every page (status-bundle.ts), so compared by value. */
  emojis: readonly CustomEmojiRow[];
  application: { name: string; website: string | null } | undefined;
  /** The mentioned accounts' rows, in the order of the parts' mentions. */
  mentioned: ReadonlyArray<AccountEntityRow | undefined>;
  origin: string;
}

/**
 * Keyed by the row object itself, as account-json.ts keeps accounts: the status rows' cache
 * (db/cached-status-rows.ts) hands every page the same row until the status changes, and the parts', counts'
 * and accounts' caches the same objects for what it shows; a new object is a new key or a mismatch, so a kept
 * entry never outlives what it was made from. Weak: an entry goes with its row.
 */
const kept = new WeakMap<StatusRow, KeptStatus>();

/** A page being written: what it was read with, and each account's JSON once. */
export interface StatusJsonPage {
  bundle: StatusBundle;
  filters: readonly ActiveFilter[];
  origin: string;
  withSource: boolean;
  accounts: Map<string, string>;
}

export function statusJsonPage(bundle: StatusBundle, filters: readonly ActiveFilter[], origin: string, withSource: boolean): StatusJsonPage {
  return { bundle, filters, origin, withSource, accounts: new Map() };
}

/** JSON.stringify(toAccount(...)) of an account the page's bundle holds, kept across pages (account-json.ts). */
export function accountJsonOf(page: StatusJsonPage, accountId: string): string {
  const known = page.accounts.get(accountId);
  if (known !== undefined) return known;
  const { bundle, origin } = page;
  const row = bundle.accounts.get(accountId);
  if (!row) throw new Error(`Account ${accountId} of a status was not loaded.`);
  const json = accountJson(row, bundle.accountStats.get(accountId) ?? noAccountStats(), origin, bundle.accountEmojis.get(accountId) ?? []);
  page.accounts.set(accountId, json);
  return json;
}

function sameEmojis(a: readonly CustomEmojiRow[], b: readonly CustomEmojiRow[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameRow(a[i]!, b[i]!)) return false;
  return true;
}

function isStill(entry: KeptStatus, page: StatusJsonPage, status: StatusRow, author: AccountEntityRow): boolean {
  const { bundle } = page;
  if (entry.author !== author || entry.origin !== page.origin || entry.parts !== bundle.parts.get(status.id)) return false;
  const counts = bundle.counts.get(status.id);
  if (entry.replies !== (counts?.replies ?? 0) || entry.reblogs !== (counts?.reblogs ?? 0) || entry.favourites !== (counts?.favourites ?? 0)) return false;
  if (!sameEmojis(entry.emojis, bundle.emojis.get(status.id) ?? [])) return false;
  const application = status.application_id ? bundle.applications.get(status.application_id) : undefined;
  if (entry.application?.name !== application?.name || entry.application?.website !== application?.website) return false;
  const mentions = entry.parts?.mentions ?? [];
  for (let i = 0; i < mentions.length; i++) if (entry.mentioned[i] !== bundle.accounts.get(mentions[i]!.account_id)) return false;
  return true;
}

/** Adjacent strings joined, each run into one flat string: fewer pieces to write for every page. */
function joined(pieces: ReadonlyArray<string | Hole>): Array<string | Hole> {
  const out: Array<string | Hole> = [];
  let run: string[] = [];
  for (const piece of pieces) {
    if (typeof piece === "string") {
      run.push(piece);
      continue;
    }
    if (run.length > 0) out.push(run.join(""));
    run = [];
    out.push(piece);
  }
  if (run.length > 0) out.push(run.join(""));
  return out;
}

/** The inside of an object's JSON, without its braces: the object's fields to write among others. */
function fieldsJson(fields: object): string {
  return JSON.stringify(fields).slice(1, -1);
}

function make(page: StatusJsonPage, status: StatusRow, author: AccountEntityRow): KeptStatus {
  const { bundle, origin } = page;
  const shared = sharedStatusFields(bundle, status, author, origin);
  const mediaCount = bundle.media.get(status.id)?.length ?? 0;
  // The same for the author as for anyone else: the same for every viewer.
  const sensitive = isShownSensitive(status, author, mediaCount, null);
  const sameForAll = sensitive === isShownSensitive(status, author, mediaCount, author.id);
  const pieces = joined([
    `{${fieldsJson(shared.head)},"account":`,
    ACCOUNT,
    `,${fieldsJson(shared.body)},"sensitive":`,
    sameForAll ? String(sensitive) : SENSITIVE,
    `,${fieldsJson(shared.middle)},"reblog":`,
    status.reblog_of_id === null ? "null" : REBLOG,
    ',"poll":',
    bundle.polls.has(status.id) ? POLL : "null",
    `,${fieldsJson(shared.tail)}`,
  ]);
  const counts = bundle.counts.get(status.id);
  const application = status.application_id ? bundle.applications.get(status.application_id) : undefined;
  const parts = bundle.parts.get(status.id);
  return {
    pieces,
    author,
    parts,
    replies: counts?.replies ?? 0,
    reblogs: counts?.reblogs ?? 0,
    favourites: counts?.favourites ?? 0,
    emojis: bundle.emojis.get(status.id) ?? [],
    application: application && { name: application.name, website: application.website },
    mentioned: (parts?.mentions ?? []).map((mention) => bundle.accounts.get(mention.account_id)),
    origin,
  };
}

/** The viewer's flags as JSON fields, one text for each combination (status.ts's viewerFlagBits). */
const flagsJson: string[] = [];

function flagsJsonOf(bits: number): string {
  const flags = {};
  assignViewerFlags(flags, bits);
  return `,${fieldsJson(flags)}`;
}

/**
 * Writes the JSON of `status` as JSON.stringify(render(...)) in status.ts writes it at `depth`, piece by piece,
 * onto `out`.
 */
export function writeStatusJson(out: string[], page: StatusJsonPage, status: StatusRow, depth: number): void {
  const { bundle } = page;
  const author = authorOf(bundle, status);
  let entry = kept.get(status);
  if (entry === undefined || !isStill(entry, page, status, author)) {
    entry = make(page, status, author);
    kept.set(status, entry);
  }
  const boosted = boostedOf(bundle, status);
  for (const piece of entry.pieces) {
    if (typeof piece === "string") out.push(piece);
    else if (piece === ACCOUNT) out.push(accountJsonOf(page, status.account_id));
    else if (piece === SENSITIVE) out.push(String(isShownSensitive(status, author, bundle.media.get(status.id)?.length ?? 0, bundle.viewerId)));
    else if (piece === REBLOG) {
      if (boosted) writeStatusJson(out, page, boosted, depth + 1);
      else out.push("null");
    } else out.push(JSON.stringify(pollOf(bundle, status, author, page.origin)));
  }
  if (page.withSource && depth === 0) out.push(`,"text":${JSON.stringify(status.text)}`);
  if (bundle.viewerId !== null) {
    // The viewer's flags on a boost are those of what it boosts, as status.ts's render has them.
    const actionable = boosted ?? status;
    const bits = viewerFlagBits(bundle, actionable);
    out.push((flagsJson[bits] ??= flagsJsonOf(bits)));
    const filtered = filteredOf(bundle, page.filters, actionable, depth);
    out.push(filtered.length === 0 ? ',"filtered":[]' : `,"filtered":${JSON.stringify(filtered)}`);
  }
  if (isQuote(status)) {
    const { state, quoted } = quoteTarget(bundle, status, depth);
    out.push(`,"quote":{"state":${JSON.stringify(state)},"quoted_status":`);
    if (quoted) writeStatusJson(out, page, quoted, depth + 1);
    else out.push("null");
    out.push("}");
  }
  out.push("}");
}
