import { Collection, Document, Emoji, Hashtag, Image, LanguageString, Mention, Note, Question, type Link, type Object as ApObject } from "@fedify/vocab";
import { statusUri, statusUrl } from "../../core/statuses/status-addresses.ts";
import type { StatusParts } from "../../core/peers/status-parts.ts";
import { mediaFileUrl } from "../../core/media/media.ts";
import { isoToInstant } from "../temporal.ts";
import { addressingFor, type Addressing } from "./audience.ts";
import type { AccountRow, MediaAttachmentRow } from "../../core/rows.ts";

/** Where our own things live: what a Note needs to name its author, followers and the accounts it mentions. */
export interface LocalAddresses {
  /** The canonical origin. */
  origin: string;
  actorUri(username: string): URL;
  followersUri(username: string): URL;
}

/** An account's ActivityPub id: ours derive from the origin, remote ones are stored. */
export function accountUri(addresses: LocalAddresses, account: AccountRow): URL {
  return account.domain === null ? addresses.actorUri(account.username) : new URL(account.uri ?? "");
}

function accountHandle(addresses: LocalAddresses, account: AccountRow): string {
  return `@${account.username}@${account.domain ?? new URL(addresses.origin).host}`;
}

/** A status's ActivityPub id. */
export function statusApUri(addresses: LocalAddresses, status: StatusParts["status"], author: AccountRow): URL {
  return new URL(statusUri(status, author, addresses.origin));
}

/** The to/cc of a status, exactly as Mastodon addresses each visibility. */
export function statusAddressing(addresses: LocalAddresses, parts: StatusParts): Addressing {
  const mentioned = parts.mentions.map(({ account }) => accountUri(addresses, account));
  return addressingFor(parts.status.visibility, addresses.followersUri(parts.author.username), mentioned);
}

function mediaUrl(addresses: LocalAddresses, media: MediaAttachmentRow): URL | null {
  if (media.file) return new URL(mediaFileUrl(addresses.origin, media.file));
  if (media.remote_url) return new URL(media.remote_url);
  return null;
}

function metaSize(media: MediaAttachmentRow): { width: number | null; height: number | null } {
  try {
    const meta = JSON.parse(media.meta_json) as { original?: { width?: unknown; height?: unknown } };
    const width = meta.original?.width;
    const height = meta.original?.height;
    return { width: typeof width === "number" ? width : null, height: typeof height === "number" ? height : null };
  } catch {
    return { width: null, height: null };
  }
}

// Fedify's Document has no blurhash or focalPoint; peers compute their own blurhash from the file (Mastodon does).
function attachments(addresses: LocalAddresses, parts: StatusParts): Document[] {
  return parts.media.flatMap((media) => {
    const url = mediaUrl(addresses, media);
    if (!url) return [];
    return [new Document({ url, mediaType: media.content_type, name: media.description ?? null, ...metaSize(media) })];
  });
}

function tags(addresses: LocalAddresses, parts: StatusParts): Array<ApObject | Link> {
  const mentions = parts.mentions
    .filter(({ silent }) => !silent)
    .map(({ account }) => new Mention({ href: accountUri(addresses, account), name: accountHandle(addresses, account) }));
  const hashtags = parts.tags.map(
    (name) => new Hashtag({ href: new URL(`/tags/${encodeURIComponent(name.toLowerCase())}`, addresses.origin), name: `#${name}` }),
  );
  const emojis = parts.emojis.map(
    (emoji) =>
      new Emoji({
        id: new URL(emoji.uri ?? `/emojis/${emoji.id}`, addresses.origin),
        name: `:${emoji.shortcode}:`,
        icon: new Image({ url: new URL(emoji.file ? mediaFileUrl(addresses.origin, emoji.file) : emoji.image_url) }),
        updated: isoToInstant(emoji.updated_at),
      }),
  );
  return [...mentions, ...hashtags, ...emojis];
}

function pollOptions(parts: StatusParts): Note[] {
  const poll = parts.poll;
  if (!poll) return [];
  return poll.options.map((name, index) => new Note({ name, replies: new Collection({ totalItems: poll.tally.votes[index] ?? 0 }) }));
}

/**
 * One of our statuses as the Note (or Question, for a poll) peers read: Mastodon's shape, with to/cc as
 * Mastodon addresses its visibility, Mention/Hashtag/Emoji tags, attachments, inReplyTo, quote, contentMap,
 * summary (the content warning), sensitive, url, updated after an edit, and the replies collection.
 */
export function statusRowToNote(addresses: LocalAddresses, parts: StatusParts, replies: URL | null = null): Note | Question {
  const { status, author } = parts;
  const id = statusApUri(addresses, status, author);
  const { to, cc } = statusAddressing(addresses, parts);
  const content = status.content;
  const quoteUri = parts.quote ? statusApUri(addresses, parts.quote.status, parts.quote.author) : status.quote_uri ? new URL(status.quote_uri) : null;
  const values = {
    id,
    attribution: addresses.actorUri(author.username),
    tos: to,
    ccs: cc,
    contents: status.language ? [content, new LanguageString(content, status.language)] : [content],
    summary: status.spoiler_text === "" ? null : status.spoiler_text,
    sensitive: status.sensitive === 1,
    published: isoToInstant(status.created_at),
    updated: status.edited_at ? isoToInstant(status.edited_at) : null,
    url: new URL(statusUrl(status, author, addresses.origin)),
    replyTarget: parts.inReplyTo
      ? statusApUri(addresses, parts.inReplyTo.status, parts.inReplyTo.author)
      : status.in_reply_to_uri
        ? new URL(status.in_reply_to_uri)
        : null,
    quote: quoteUri,
    quoteUrl: quoteUri,
    attachments: attachments(addresses, parts),
    tags: tags(addresses, parts),
    replies,
  };
  const poll = parts.poll;
  if (!poll) return new Note(values);
  const options = pollOptions(parts);
  return new Question({
    ...values,
    ...(poll.row.multiple === 1 ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime: poll.row.expires_at ? isoToInstant(poll.row.expires_at) : null,
    closed: poll.row.closed_at ? isoToInstant(poll.row.closed_at) : null,
    voters: poll.tally.votersCount,
  });
}
