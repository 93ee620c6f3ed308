import { normaliseTagName } from "../../core/statuses/status-store.ts";
import { scopesAllow } from "../../core/auth/scopes.ts";

/** Mastodon's streams (docs: methods/streaming, "Streaming timelines/categories"). */
export const STREAM_NAMES = [
  "user",
  "user:notification",
  "public",
  "public:media",
  "public:local",
  "public:local:media",
  "public:remote",
  "public:remote:media",
  "hashtag",
  "hashtag:local",
  "list",
  "direct",
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

/** One stream a connection listens to. */
export interface StreamSubscription {
  name: StreamName;
  /** hashtag streams: the tag as the client wrote it, which it gets back in `stream`. */
  tag?: string;
  /** hashtag streams: the tag as statuses carry it. */
  normalisedTag?: string;
  /** list stream: the list's id. */
  list?: string;
  /** Identifies the subscription within a connection: a second subscribe to it changes nothing. */
  key: string;
  /** The `stream` array of each message, as Mastodon sends it: ["hashtag", "Cats"], ["list", "12"], ["user"]. */
  label: string[];
}

/** Why a subscription was refused, as Mastodon's streaming server says it (status and sentence). */
export class StreamRequestError extends Error {
  override name = "StreamRequestError";
  readonly status: 400 | 401 | 404;
  constructor(status: 400 | 401 | 404, message: string) {
    super(message);
    this.status = status;
  }
}

export interface StreamParams {
  stream?: unknown;
  tag?: unknown;
  list?: unknown;
  only_media?: unknown;
}

function firstText(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof first === "string" && first !== "") return first;
  if (typeof first === "number") return String(first);
  return undefined;
}

function isTruthy(value: unknown): boolean {
  const text = firstText(value);
  return text !== undefined && !["0", "false", "f", "off", "no"].includes(text.toLowerCase());
}

export function isStreamName(value: string): value is StreamName {
  return (STREAM_NAMES as readonly string[]).includes(value);
}

/** The subscription a `subscribe` message (or the ?stream= of a connection, or an SSE path) asks for. */
export function parseSubscription(params: StreamParams): StreamSubscription {
  const asked = firstText(params.stream);
  if (asked === undefined || !isStreamName(asked)) throw new StreamRequestError(400, "Unknown stream type");
  // The HTTP paths and older clients say only_media=true rather than naming the :media stream.
  const wantsMediaOnly = (asked === "public" || asked === "public:local" || asked === "public:remote") && isTruthy(params.only_media);
  const name: StreamName = wantsMediaOnly ? (`${asked}:media` as StreamName) : asked;
  if (name === "hashtag" || name === "hashtag:local") {
    const tag = firstText(params.tag)?.trim();
    if (!tag) throw new StreamRequestError(400, "Missing tag name parameter");
    const normalisedTag = normaliseTagName(tag);
    return { name, tag, normalisedTag, key: `${name}:${normalisedTag}`, label: [name, tag] };
  }
  if (name === "list") {
    const list = firstText(params.list);
    if (!list) throw new StreamRequestError(400, "Missing list name parameter");
    return { name, list, key: `list:${list}`, label: ["list", list] };
  }
  return { name, key: name, label: [name] };
}

const PUBLIC_STREAMS: ReadonlySet<StreamName> = new Set([
  "public",
  "public:media",
  "public:local",
  "public:local:media",
  "public:remote",
  "public:remote:media",
  "hashtag",
  "hashtag:local",
]);

export function isPublicStream(name: StreamName): boolean {
  return PUBLIC_STREAMS.has(name);
}

/**
 * Mastodon's checkScopes: public streams need no particular scope; user:notification needs read or
 * read:notifications; the rest read or read:statuses.
 */
export function checkStreamScopes(name: StreamName, scopes: readonly string[]): void {
  if (isPublicStream(name)) return;
  const needed = name === "user:notification" ? "read:notifications" : "read:statuses";
  if (!scopesAllow(scopes, needed)) throw new StreamRequestError(401, "Access token does not have the required scopes");
}

/** The user stream carries notifications only for tokens that may read them (Mastodon's channelsForUserStream). */
export function mayReadNotifications(scopes: readonly string[]): boolean {
  return scopesAllow(scopes, "read:notifications");
}
