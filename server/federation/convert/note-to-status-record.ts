import { Article, ChatMessage, LanguageString, Link, Note, Page, Question, type DocumentLoader, type Object as ApObject } from "@fedify/vocab";
import { sanitizeHtml } from "../../sanitize-html-on-first-use.ts";
import { REMOTE_STATUS_LIMITS, type RemoteStatusRecord } from "../../core/statuses/remote-status-record.ts";
import { sanitiseRemoteHtml } from "../html-sanitiser.ts";
import { visibilityFromAudience } from "./audience.ts";
import { instantToIso, isHttpUrl } from "./embedded.ts";
import { readObjectMedia } from "./note-media.ts";
import { readPoll } from "./note-poll.ts";
import { readObjectTags } from "./note-tags.ts";
import { rawIds, type JsonRecord } from "./raw-json.ts";
import type { AccountRow } from "../../core/rows.ts";

/** The object types stored as statuses: Note and Question as they are, Article and Page converted. */
export type StatusObject = Note | Question | Article | Page | ChatMessage;

export function isStatusObject(object: unknown): object is StatusObject {
  return object instanceof Note || object instanceof Question || object instanceof Article || object instanceof Page || object instanceof ChatMessage;
}

export interface NoteConversionOptions {
  /** The account the object must be attributed to: the activity's (verified) actor. */
  author: AccountRow;
  /** The object's JSON as it arrived, for what Fedify does not model (blurhash, focal points) or drops (snac2's tags). */
  raw?: JsonRecord | null;
  /**
   * The account a Mention's href names (local, stored, or fetched), or null. Called at most
   * REMOTE_STATUS_LIMITS.maxMentions times per object.
   */
  resolveMention(href: URL): Promise<AccountRow | null>;
  /**
   * An account already stored for an addressee in to/cc (never fetched): such accounts get silent mentions,
   * as Mastodon gives them, so a direct message reaches whom it is addressed to even without a Mention tag.
   */
  knownAccount?(uri: URL): Promise<AccountRow | null>;
  contextLoader?: DocumentLoader;
  /** Stands in for a missing `published`. */
  now: Date;
}

export type NoteConversion =
  | { ok: true; record: RemoteStatusRecord }
  | { ok: false; reason: string };

/** Text without markup, entities decoded: for content warnings and report comments. */
export function plainText(value: unknown): string {
  if (value === null || value === undefined) return "";
  const stripped = sanitizeHtml(String(value), { allowedTags: [], allowedAttributes: {} });
  // sanitize-html leaves text escaped; clients show a content warning as plain text, so it is stored unescaped.
  return stripped
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&")
    .trim();
}

function escapeHtml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** The content as written (`content`), else the first language's (`contentMap`), and that language. */
function contentAndLanguage(object: ApObject): { html: string; language: string | null } {
  const contents = object.contents;
  const plain = contents.find((content) => !(content instanceof LanguageString));
  const tagged = contents.find((content): content is LanguageString => content instanceof LanguageString);
  const language = tagged ? tagged.locale.baseName.slice(0, 16) : null;
  return { html: String(plain ?? tagged ?? ""), language };
}

function urlOf(object: ApObject): string | null {
  for (const url of object.urls) {
    const href = url instanceof Link ? url.href : url;
    // A Link with a mediaType other than HTML is not the object's page (Pleroma lists media there too).
    if (url instanceof Link && url.mediaType && url.mediaType !== "text/html") continue;
    if (isHttpUrl(href)) return href.href;
  }
  return null;
}

/** Mastodon's text for types it converts rather than shows (Article, Page): title, summary, and a link. */
function convertedContent(object: ApObject, url: string): string {
  const parts = [plainText(object.name), plainText(object.summary)].filter((part) => part !== "");
  const paragraphs = parts.map((part) => `<p>${escapeHtml(part)}</p>`);
  paragraphs.push(`<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`);
  return paragraphs.join("");
}

function quoteUriOf(object: StatusObject): string | null {
  if (object instanceof Page) return null;
  // FEP-044f `quote`, then quoteUrl, Misskey's _misskey_quote and Fedibird's quoteUri (Fedify reads all three).
  const uri = object.quoteId ?? object.quoteUrl;
  return isHttpUrl(uri) ? uri.href : null;
}

async function resolveMentions(hrefs: readonly URL[], options: NoteConversionOptions): Promise<string[]> {
  const ids = new Set<string>();
  for (const href of hrefs.slice(0, REMOTE_STATUS_LIMITS.maxMentions)) {
    const account = await options.resolveMention(href).catch(() => null);
    if (account) ids.add(account.id);
  }
  return [...ids];
}

async function silentMentions(object: ApObject, mentioned: ReadonlySet<string>, options: NoteConversionOptions): Promise<string[]> {
  if (!options.knownAccount) return [];
  const ids = new Set<string>();
  const addressees = [...object.toIds, ...object.ccIds].slice(0, REMOTE_STATUS_LIMITS.maxMentions);
  for (const uri of addressees) {
    const account = await options.knownAccount(uri).catch(() => null);
    if (account && !mentioned.has(account.id) && account.id !== options.author.id) ids.add(account.id);
  }
  return [...ids];
}

/**
 * A remote Note, Question, Article or Page as the record core stores. Refused (with the reason, for the log)
 * when it is not attributed to the author, has no id, or carries a poll no client could show. Content is
 * sanitised here, on arrival; mentions, tags, emoji and media are bounded (REMOTE_STATUS_LIMITS).
 */
export async function noteToStatusRecord(object: ApObject, options: NoteConversionOptions): Promise<NoteConversion> {
  if (!isStatusObject(object)) return { ok: false, reason: "it is not a Note, Question, Article or Page" };
  if (object.id === null || !isHttpUrl(object.id)) return { ok: false, reason: "it has no http(s) id" };
  const author = options.author;
  if (author.uri === null || !object.attributionIds.some((id) => id.href === author.uri)) {
    return { ok: false, reason: `it is not attributed to its sender ${author.uri ?? author.id}` };
  }
  const poll = await readPoll(object, options.contextLoader, options.now);
  if (poll === "too-many") return { ok: false, reason: `its poll has more than ${REMOTE_STATUS_LIMITS.maxPollOptions} options` };

  const uri = object.id.href;
  const url = urlOf(object);
  const isConverted = object instanceof Article || object instanceof Page;
  const { html, language } = contentAndLanguage(object);
  const content = isConverted ? convertedContent(object, url ?? uri) : html;
  const spoilerText = isConverted ? "" : plainText(object.summary);
  const raw = options.raw ?? null;
  const tags = await readObjectTags(object, options.contextLoader, raw);
  const mentionedAccountIds = await resolveMentions(tags.mentionHrefs, options);

  const record: RemoteStatusRecord = {
    uri,
    url,
    accountId: author.id,
    visibility: visibilityFromAudience(object.toIds, object.ccIds, author.followers_url),
    content: sanitiseRemoteHtml(content.slice(0, REMOTE_STATUS_LIMITS.maxContentLength)),
    spoilerText: spoilerText.slice(0, REMOTE_STATUS_LIMITS.maxSpoilerLength),
    sensitive: object.sensitive === true,
    language,
    createdAt: instantToIso(object.published) ?? options.now.toISOString(),
    editedAt: instantToIso(object.updated),
    inReplyToUri: isHttpUrl(object.replyTargetId) ? object.replyTargetId.href : null,
    quoteUri: quoteUriOf(object),
    conversationUri: object.contextIds[0]?.href ?? rawIds(raw, "conversation")[0] ?? null,
    mentionedAccountIds,
    silentMentionAccountIds: await silentMentions(object, new Set(mentionedAccountIds), options),
    tagNames: tags.tagNames,
    emojis: tags.emojis,
    media: await readObjectMedia(object, raw, options.contextLoader),
    poll,
  };
  return { ok: true, record };
}
