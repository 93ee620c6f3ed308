import { find as findLinks } from "linkifyjs";
import { findLocalAccountByUsername } from "../accounts/accounts.ts";
import type { CoreContext } from "../context.ts";
import { findRemoteAccountByHandle } from "../accounts/remote-accounts.ts";
import { normaliseTagName } from "./status-store.ts";
import type { AccountRow } from "../rows.ts";

/**
 * What a local author typed, turned into the HTML every client shows, as Mastodon's TextFormatter makes it:
 * paragraphs and line breaks, links (with the middle of long ones tucked away), @mentions of accounts we
 * know or can find, and #hashtags linked to this instance's tag pages. Everything else is escaped text.
 */

export type TextToken =
  | { type: "text"; value: string }
  | { type: "url"; value: string }
  /** `@name` or `@name@domain`, as written (without the '@'). */
  | { type: "mention"; value: string; username: string; domain: string | null }
  | { type: "hashtag"; value: string; name: string };

// Mastodon's Account::MENTION_RE and USERNAME_RE, with an optional :port so instances on loopback can
// mention each other (127.0.0.1:8331 is a host there).
const MENTION = /(?<![=/\p{L}\p{N}_])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_])?)(?:@([\p{L}\p{N}_.-]*[\p{L}\p{N}_](?::\d{1,5})?))?/giu;
// Mastodon's Tag::HASHTAG_RE, simplified: word characters (and the middle dot) with at least one letter.
const HASHTAG = /(?<![=/)\p{L}\p{N}_])#([\p{L}\p{N}_][\p{L}\p{N}_\u00b7\u200c]*)/gu;
const HAS_LETTER = /[\p{L}_]/u;

function splitPlain(text: string): TextToken[] {
  type Found = { start: number; end: number; token: TextToken };
  const found: Found[] = [];
  for (const match of text.matchAll(MENTION)) {
    const username = match[1] ?? "";
    found.push({
      start: match.index,
      end: match.index + match[0].length,
      token: { type: "mention", value: match[0].slice(1), username, domain: match[2] ?? null },
    });
  }
  for (const match of text.matchAll(HASHTAG)) {
    // A trailing middle dot belongs to the sentence, not the tag.
    const name = (match[1] ?? "").replace(/[\u00b7\u200c]+$/, "");
    if (!HAS_LETTER.test(name)) continue;
    const start = match.index;
    if (found.some((other) => start >= other.start && start < other.end)) continue;
    found.push({ start, end: start + 1 + name.length, token: { type: "hashtag", value: `#${name}`, name } });
  }
  found.sort((a, b) => a.start - b.start);
  const tokens: TextToken[] = [];
  let at = 0;
  for (const item of found) {
    if (item.start < at) continue;
    if (item.start > at) tokens.push({ type: "text", value: text.slice(at, item.start) });
    tokens.push(item.token);
    at = item.end;
  }
  if (at < text.length) tokens.push({ type: "text", value: text.slice(at) });
  return tokens;
}

/** Splits typed text into plain runs, links (http and https only, as Mastodon links them), mentions and hashtags. */
export function tokenizeStatusText(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let at = 0;
  for (const link of findLinks(text, "url")) {
    if (!/^https?:\/\//i.test(link.value) || link.start < at) continue;
    tokens.push(...splitPlain(text.slice(at, link.start)));
    tokens.push({ type: "url", value: link.value });
    at = link.end;
  }
  tokens.push(...splitPlain(text.slice(at)));
  return tokens;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const LINK_ATTRIBUTES = 'target="_blank" rel="nofollow noopener noreferrer" translate="no"';
const SHOWN_URL_LENGTH = 30;

/** Mastodon's link: the scheme (and www.) hidden, the first 30 characters shown, the rest hidden after an ellipsis. */
function linkHtml(url: string): string {
  const prefix = /^(https?:\/\/(www\.)?)/i.exec(url)?.[1] ?? "";
  const rest = url.slice(prefix.length);
  const shown = rest.slice(0, SHOWN_URL_LENGTH);
  const hidden = rest.slice(SHOWN_URL_LENGTH);
  return (
    `<a href="${escapeHtml(url)}" ${LINK_ATTRIBUTES}>` +
    `<span class="invisible">${escapeHtml(prefix)}</span>` +
    `<span class="${hidden ? "ellipsis" : ""}">${escapeHtml(shown)}</span>` +
    `<span class="invisible">${escapeHtml(hidden)}</span></a>`
  );
}

/** A mentioned account as the HTML needs it. */
export interface MentionTarget {
  username: string;
  url: string;
}

export interface RenderOptions {
  /** The instance's origin, for tag links. */
  origin: string;
  /** The accounts mentions resolved to, by the mention as written (lower-cased, without '@'). */
  mentions: ReadonlyMap<string, MentionTarget>;
}

function inlineHtml(tokens: readonly TextToken[], options: RenderOptions): string {
  return tokens
    .map((token) => {
      switch (token.type) {
        case "text":
          return escapeHtml(token.value).replace(/\n/g, "<br />");
        case "url":
          return linkHtml(token.value);
        case "hashtag": {
          const href = `${options.origin}/tags/${encodeURIComponent(normaliseTagName(token.name))}`;
          return `<a href="${escapeHtml(href)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(token.name)}</span></a>`;
        }
        case "mention": {
          const target = options.mentions.get(token.value.toLowerCase());
          if (!target) return escapeHtml(`@${token.value}`);
          return `<span class="h-card" translate="no"><a href="${escapeHtml(target.url)}" class="u-url mention">@<span>${escapeHtml(target.username)}</span></a></span>`;
        }
      }
    })
    .join("");
}

/** The HTML of typed text: paragraphs at blank lines, <br /> at single line breaks; "" for blank text. */
export function renderStatusText(text: string, options: RenderOptions): string {
  const trimmed = text.replace(/\r\n?/g, "\n").trim();
  if (trimmed === "") return "";
  return trimmed
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${inlineHtml(tokenizeStatusText(paragraph), options)}</p>`)
    .join("");
}

/** How long a status counts as, as Mastodon counts it: every link as 23 characters, remote mentions without their domain. */
export function countStatusCharacters(text: string, charactersPerUrl = 23): number {
  let counted = 0;
  const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const graphemes = (value: string) => [...segmenter.segment(value)].length;
  for (const token of tokenizeStatusText(text)) {
    if (token.type === "url") counted += charactersPerUrl;
    else if (token.type === "mention") counted += graphemes(`@${token.username}`);
    else counted += graphemes(token.value);
  }
  return counted;
}

export interface FormattedStatusText {
  html: string;
  /** The accounts mentioned, each once, in the order written. */
  mentions: AccountRow[];
  /** Hashtag names as first written. */
  tags: string[];
}

export interface FormatOptions {
  origin: string;
}

function accountUrl(account: AccountRow, origin: string): string {
  return account.url ?? `${origin}/@${account.username}`;
}

/**
 * Resolves one written mention: a local username, a handle of ours written with our own host, a remote
 * account we know, or (asked of the federation) one we do not know yet. Null when nobody answers.
 */
async function resolveMention(ctx: CoreContext, username: string, domain: string | null, ownHost: string): Promise<AccountRow | null> {
  if (domain === null || domain.toLowerCase() === ownHost) return (await findLocalAccountByUsername(ctx, username)) ?? null;
  const known = await findRemoteAccountByHandle(ctx, username, domain);
  if (known) return known;
  try {
    return await ctx.ports.remote.resolveHandle(username, domain);
  } catch {
    // An unreachable server leaves the mention as text, as Mastodon does; the post still goes out.
    return null;
  }
}

/** Typed text to HTML, with its mentions resolved to accounts and its hashtags collected. */
export async function formatStatusText(ctx: CoreContext, text: string, options: FormatOptions): Promise<FormattedStatusText> {
  const ownHost = new URL(options.origin).host.toLowerCase();
  const written = tokenizeStatusText(text);
  const targets = new Map<string, MentionTarget>();
  const mentions: AccountRow[] = [];
  const tags: string[] = [];
  for (const token of written) {
    if (token.type === "hashtag" && !tags.some((tag) => normaliseTagName(tag) === normaliseTagName(token.name))) tags.push(token.name);
    if (token.type !== "mention") continue;
    const key = token.value.toLowerCase();
    if (targets.has(key)) continue;
    const account = await resolveMention(ctx, token.username, token.domain, ownHost);
    if (!account) continue;
    targets.set(key, { username: account.username, url: accountUrl(account, options.origin) });
    if (!mentions.some((other) => other.id === account.id)) mentions.push(account);
  }
  return { html: renderStatusText(text, { origin: options.origin, mentions: targets }), mentions, tags };
}
