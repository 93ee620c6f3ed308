import { find as findLinks } from "linkifyjs";
import type { CoreContext } from "./context.ts";

/**
 * A bio (and profile field values) as typed, turned into the HTML Mastodon shows: escaped text, paragraphs
 * at blank lines, <br> at line breaks, links for http(s) URLs, hashtags, and mentions of accounts this
 * instance knows. Bare domains ("example.com") stay text, as Mastodon leaves them.
 */

const HASHTAG = /(^|[^\p{L}\p{N}_/&#])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;
const MENTION = /(^|[^\p{L}\p{N}_/@])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([a-z0-9.-]+(?::\d+)?))?/giu;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Mastodon's link markup: the scheme hidden, so clients show the address without it. */
function linkHtml(href: string): string {
  const match = /^(https?:\/\/(?:www\.)?)(.*)$/i.exec(href);
  const hidden = match?.[1] ?? "";
  const shown = match?.[2] ?? href;
  return `<a href="${escapeHtml(href)}" target="_blank" rel="nofollow noopener noreferrer" translate="no"><span class="invisible">${escapeHtml(hidden)}</span><span class="">${escapeHtml(shown)}</span><span class="invisible"></span></a>`;
}

/** Where a mention links, by handle: an account's profile URL, or undefined when we do not know it. */
export type MentionResolver = (username: string, domain: string | null) => Promise<string | undefined>;

async function formatInline(text: string, origin: string, resolveMention: MentionResolver): Promise<string> {
  // Hashtags and mentions are found in the text between links, never inside a URL.
  const links = findLinks(text, "url").filter((link) => /^https?:\/\//i.test(link.value));
  let html = "";
  let cursor = 0;
  for (const link of [...links, { start: text.length, end: text.length, href: "" }]) {
    html += await formatWords(text.slice(cursor, link.start), origin, resolveMention);
    if (link.href) html += linkHtml(link.href);
    cursor = link.end;
  }
  return html;
}

async function formatWords(text: string, origin: string, resolveMention: MentionResolver): Promise<string> {
  const pieces: Array<{ start: number; end: number; html: string }> = [];
  for (const match of text.matchAll(HASHTAG)) {
    const [, lead = "", tag = ""] = match;
    const start = (match.index ?? 0) + lead.length;
    const href = new URL(`/tags/${encodeURIComponent(tag.toLowerCase())}`, origin).href;
    pieces.push({ start, end: start + tag.length + 1, html: `<a href="${escapeHtml(href)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>` });
  }
  for (const match of text.matchAll(MENTION)) {
    const [whole, lead = "", username = "", domain] = match;
    const start = (match.index ?? 0) + lead.length;
    const url = await resolveMention(username, domain?.toLowerCase() ?? null);
    if (!url) continue;
    pieces.push({
      start,
      end: (match.index ?? 0) + whole.length,
      html: `<span class="h-card" translate="no"><a href="${escapeHtml(url)}" class="u-url mention">@<span>${escapeHtml(username)}</span></a></span>`,
    });
  }
  pieces.sort((a, b) => a.start - b.start);
  let html = "";
  let cursor = 0;
  for (const piece of pieces) {
    if (piece.start < cursor) continue;
    html += escapeHtml(text.slice(cursor, piece.start)) + piece.html;
    cursor = piece.end;
  }
  return html + escapeHtml(text.slice(cursor));
}

/** Plain text to HTML: paragraphs at blank lines, <br /> within them. Empty text stays empty. */
export async function plainTextToHtml(text: string, origin: string, resolveMention: MentionResolver): Promise<string> {
  const normalised = text.replace(/\r\n?/g, "\n").trim();
  if (normalised === "") return "";
  const paragraphs = normalised.split(/\n{2,}/);
  const formatted = await Promise.all(
    paragraphs.map(async (paragraph) => {
      const lines = await Promise.all(paragraph.split("\n").map((line) => formatInline(line, origin, resolveMention)));
      return `<p>${lines.join("<br />")}</p>`;
    }),
  );
  return formatted.join("");
}

/** A field value: one line of text with its links, no paragraph around it (as Mastodon formats fields). */
export async function plainTextToInlineHtml(text: string, origin: string, resolveMention: MentionResolver): Promise<string> {
  return formatInline(text.replace(/\s+/g, " ").trim(), origin, resolveMention);
}

/** Mentions resolve to accounts already stored: local by username, remote by name and domain. */
export function storedAccountMentions(ctx: CoreContext, origin: string): MentionResolver {
  const localHost = new URL(origin).host.toLowerCase();
  return async (username, domain) => {
    const isLocal = domain === null || domain === localHost;
    const account = await ctx.db
      .selectFrom("accounts")
      .select(["username", "url", "domain"])
      .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
      .where((eb) => (isLocal ? eb("domain", "is", null) : eb(eb.fn("lower", ["domain"]), "=", domain)))
      .executeTakeFirst();
    if (!account) return undefined;
    return account.url ?? new URL(`/@${account.username}`, origin).href;
  };
}
