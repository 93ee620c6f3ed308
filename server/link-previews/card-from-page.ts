import type { StoredPreviewCard } from "../core/statuses/preview-cards.ts";
import type { PageMeta } from "./page-meta.ts";

/**
 * A preview card from what a page says about itself, as Mastodon's LinkDetailsExtractor reads it (OpenGraph
 * first, then Twitter's card tags, then plain HTML), with everything cleaned: text is plain text without
 * control characters, capped in length; URLs are absolute http(s); numbers are numbers. Nothing the page wrote
 * becomes HTML: a video card's iframe is built here around the player's address.
 */

/** The card before its picture is fetched (imageRemoteUrl says where it is, if the page names one). */
export type PageCard = Omit<StoredPreviewCard, "imageFile" | "blurhash">;

const MAX_URL_LENGTH = 2048;
const MAX_TITLE = 300;
const MAX_DESCRIPTION = 1000;
const MAX_NAME = 200;
const MAX_IMAGE_DESCRIPTION = 1500;
const MAX_PLAYER_SIZE = 4096;

const BASIC_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * Some CMSs encode their meta contents twice ("Tom &amp;amp; Jerry"); Mastodon decodes once more after the
 * parser has, and so do we, for the few entities such pages use.
 */
function decodeLeftoverEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,4});/gi, (whole, name: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return BASIC_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

// C0 and C1 controls (tabs and newlines become spaces below).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Plain text for a card field: one line, no control characters, at most `maxLength` characters. */
export function cardText(value: string | undefined, maxLength: number): string {
  if (!value) return "";
  const text = decodeLeftoverEntities(value).replace(CONTROL_CHARACTERS, "").replace(/\s+/g, " ").trim();
  const characters = [...text];
  return characters.length > maxLength ? `${characters.slice(0, maxLength - 1).join("").trimEnd()}…` : text;
}

function absoluteUrl(value: string | undefined, base: URL): URL | undefined {
  const trimmed = value?.trim();
  if (!trimmed || trimmed === "null") return undefined;
  try {
    const url = new URL(trimmed, base);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.href.length > MAX_URL_LENGTH) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

function dimension(value: string | undefined): number {
  const number = Number.parseInt(value?.trim() ?? "", 10);
  return Number.isFinite(number) && number > 0 && number <= MAX_PLAYER_SIZE ? number : 0;
}

function publishedAt(value: string | undefined): string | null {
  if (!value?.trim()) return null;
  const date = new Date(value.trim());
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1900 || year > 9999 ? null : date.toISOString();
}

/** "en_GB" (og:locale) or "en-GB" (lang) as the ISO 639 code statuses use. */
function languageCode(value: string | undefined): string | null {
  return /^\s*([a-z]{2,3})(?:[-_][a-z0-9-_]*)?\s*$/i.exec(value ?? "")?.[1]?.toLowerCase() ?? null;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function playerIframe(player: URL, width: number, height: number): string {
  return `<iframe src="${escapeAttribute(player.href)}" width="${width}" height="${height}" allowfullscreen="true" allowtransparency="true" scrolling="no" frameborder="0"></iframe>`;
}

/**
 * The card for a page read from `pageUrl` (where the link ended up after redirects); undefined when the page
 * gives neither a title nor a player, which Mastodon does not show a card for.
 */
export function cardFromPage(meta: PageMeta, pageUrl: URL): PageCard | undefined {
  const base = absoluteUrl(meta.baseHref, pageUrl) ?? pageUrl;
  const tag = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = meta.tags.get(key)?.trim();
      if (value) return value;
    }
    return undefined;
  };
  const url = (...keys: string[]): URL | undefined => absoluteUrl(tag(...keys), base);

  const player = url("twitter:player");
  const width = player ? dimension(tag("twitter:player:width")) : 0;
  const height = player ? dimension(tag("twitter:player:height")) : 0;
  const title = cardText(tag("og:title", "twitter:title") ?? meta.title, MAX_TITLE);
  if (title === "" && !player) return undefined;

  // The page's own name for itself counts only on its own host: another host's page cannot claim to be it.
  const canonical = [meta.canonical, tag("og:url")].map((value) => absoluteUrl(value, base)).find((candidate) => candidate?.host === pageUrl.host);
  // article:author is, by OpenGraph, the author's profile URL; many sites put a name there instead.
  const articleAuthor = tag("article:author");
  const articleAuthorUrl = articleAuthor && /^https?:\/\//i.test(articleAuthor) ? absoluteUrl(articleAuthor, base) : undefined;
  const site = tag("og:site");

  return {
    url: (canonical ?? pageUrl).href,
    title,
    description: cardText(tag("og:description", "twitter:description", "description"), MAX_DESCRIPTION),
    type: player ? "video" : "link",
    authorName: cardText(tag("author", "og:author", "og:author:username") ?? (articleAuthorUrl ? undefined : articleAuthor), MAX_NAME),
    authorUrl: articleAuthorUrl?.href ?? "",
    providerName: cardText(tag("og:site_name"), MAX_NAME),
    providerUrl: absoluteUrl(site && !/^https?:\/\//i.test(site) ? `https://${site}` : site, base)?.href ?? "",
    html: player ? playerIframe(player, width, height) : "",
    width,
    height,
    imageRemoteUrl: url("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")?.href ?? null,
    imageDescription: cardText(tag("og:image:alt", "twitter:image:alt"), MAX_IMAGE_DESCRIPTION),
    embedUrl: url("twitter:player:stream")?.href ?? "",
    publishedAt: publishedAt(tag("article:published_time", "og:published_time")),
    language: languageCode(tag("og:locale") ?? meta.lang),
  };
}
