import type { Context } from "@fedify/fedify";
import { isActor, Page, type Object as ApObject } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { findLocalAccountByUsername } from "../core/accounts/accounts.ts";
import type { CoreContext } from "../core/context.ts";
import { isInstanceDomainBlocked } from "../core/moderation/instance-domain-blocks.ts";
import { findAccountByUri } from "../core/accounts/remote-accounts.ts";
import { isFollowedLocally, recordRemoteStatus, type RecordedRemoteStatus } from "../core/statuses/remote-statuses.ts";
import { findStatusByUri, getStatusRow } from "../core/statuses/status-store.ts";
import { parseLocalStatusUri } from "./addresses.ts";
import { isStatusObject, noteToStatusRecord, type NoteConversion, type StatusObject } from "./convert/note-to-status-record.ts";
import { isPublicCollection } from "./convert/audience.ts";
import { readObjectTags } from "./convert/note-tags.ts";
import { rawObjectWithId, type JsonRecord } from "./convert/raw-json.ts";
import { keepRawDocuments } from "./raw-documents.ts";
import { storeActor } from "./remote-actors.ts";
import type { AccountRow, StatusRow } from "../core/rows.ts";

const logger = getLogger(["hearth", "federation", "statuses"]);

/** How far up a thread we fetch the statuses a reply answers (Mastodon fetches one at a time, without end). */
export const MAX_ANCESTOR_DEPTH = 10;

/** Whether the instance refuses a URL's host (or a parent domain of it). */
export async function isBlockedHost(core: CoreContext, url: URL): Promise<boolean> {
  try {
    return await isInstanceDomainBlocked(core, url.host);
  } catch {
    // Not a domain one could block (a bare host name): nothing refuses it.
    return false;
  }
}

/** Our local account an id names: its actor URI, or its profile URL (some servers mention by that). */
export async function localAccountOf(ctx: Context<CoreContext>, uri: URL | null): Promise<AccountRow | undefined> {
  if (uri === null || uri.origin !== new URL(ctx.canonicalOrigin).origin) return undefined;
  const parsed = ctx.parseUri(uri);
  const username = parsed?.type === "actor" ? parsed.identifier : /^\/@([^/@]+)$/.exec(uri.pathname)?.[1];
  if (!username) return undefined;
  const account = await findLocalAccountByUsername(ctx.data, decodeURIComponent(username));
  return account?.domain === null ? account : undefined;
}

/** One of our statuses, by its id (`${origin}/users/name/statuses/id`), if it exists and is that author's. */
export async function localStatusOf(ctx: Context<CoreContext>, uri: URL | null): Promise<StatusRow | undefined> {
  const parsed = parseLocalStatusUri(ctx, uri);
  if (!parsed) return undefined;
  const status = await getStatusRow(ctx.data, parsed.statusId);
  if (!status || status.local !== 1) return undefined;
  const author = await findLocalAccountByUsername(ctx.data, parsed.username);
  return author?.id === status.account_id ? status : undefined;
}

/** A status we have, local or remote, by its ActivityPub id. */
export async function knownStatusOf(ctx: Context<CoreContext>, uri: URL | null): Promise<StatusRow | undefined> {
  if (uri === null) return undefined;
  return (await localStatusOf(ctx, uri)) ?? (await findStatusByUri(ctx.data, uri.href));
}

/** An account we already have for an id (never fetched): for addressees in to/cc. */
async function knownAccount(ctx: Context<CoreContext>, uri: URL): Promise<AccountRow | null> {
  // Public is a collection no server can serve as an actor (its id is on www.w3.org): nearly every status
  // addresses it, and looking it up cost a statement each (issue #19).
  if (isPublicCollection(uri)) return null;
  return (await localAccountOf(ctx, uri)) ?? (await findAccountByUri(ctx.data, uri.href)) ?? null;
}

/** The account a Mention names: ours, stored, or fetched and stored (the converter bounds how many). */
async function mentionedAccount(ctx: Context<CoreContext>, href: URL): Promise<AccountRow | null> {
  const known = await knownAccount(ctx, href);
  if (known) return known;
  if (await isBlockedHost(ctx.data, href)) return null;
  const actor = await ctx.lookupObject(href).catch(() => null);
  if (!actor || !isActor(actor) || actor.id?.href !== href.href) return null;
  return storeActor(ctx, actor);
}

/** The remote author an object is attributed to, on the object's own origin: stored, or fetched. */
async function authorOf(ctx: Context<CoreContext>, object: ApObject): Promise<AccountRow | null> {
  const id = object.attributionIds[0];
  if (!id || !object.id || id.origin !== object.id.origin) return null;
  const known = await findAccountByUri(ctx.data, id.href);
  if (known) return known;
  const actor = await ctx.lookupObject(id).catch(() => null);
  if (!actor || !isActor(actor) || actor.id?.href !== id.href) return null;
  return storeActor(ctx, actor);
}

/** A remote status object as core's record, mentions resolved (ours, stored, or fetched within the bound). */
export function convertStatusObject(ctx: Context<CoreContext>, object: StatusObject, author: AccountRow, raw: JsonRecord | null): Promise<NoteConversion> {
  return noteToStatusRecord(object, {
    author,
    raw,
    resolveMention: (href) => mentionedAccount(ctx, href),
    knownAccount: (uri) => knownAccount(ctx, uri),
    contextLoader: ctx.contextLoader,
    now: ctx.data.clock.now(),
  });
}

/**
 * Whether a status pushed to our inbox concerns anyone here, as Mastodon's related_to_local_activity? asks:
 * its author is followed from here, or it addresses or mentions one of ours, or it answers or quotes a
 * status of ours or of someone followed from here. Decided before anything is fetched or stored, so a
 * stranger cannot fill the database (or make us fetch actors) by posting to the shared inbox.
 */
export async function concernsUs(ctx: Context<CoreContext>, object: StatusObject, author: AccountRow | undefined): Promise<boolean> {
  if (author && (await isFollowedLocally(ctx.data, author.id))) return true;
  const ourOrigin = new URL(ctx.canonicalOrigin).origin;
  const addressed = [...object.toIds, ...object.ccIds].slice(0, 200);
  for (const uri of addressed) if (uri.origin === ourOrigin && (await localAccountOf(ctx, uri))) return true;
  for (const tag of await mentionHrefs(object, ctx)) if (tag.origin === ourOrigin && (await localAccountOf(ctx, tag))) return true;
  for (const uri of [object.replyTargetId, object instanceof Page ? null : (object.quoteId ?? object.quoteUrl)]) {
    const status = await knownStatusOf(ctx, uri ?? null);
    if (status && (status.local === 1 || (await isFollowedLocally(ctx.data, status.account_id)))) return true;
  }
  return false;
}

async function mentionHrefs(object: StatusObject, ctx: Context<CoreContext>): Promise<URL[]> {
  return (await readObjectTags(object, ctx.contextLoader)).mentionHrefs;
}

export interface StoreStatusOptions {
  /** The object's JSON as it arrived (for blurhash and focal points). */
  raw?: JsonRecord | null;
  /** How many ancestors above the status that made us fetch this one. */
  depth?: number;
  /** Fetched ancestors and quotes are stored without notifying: they are old news. */
  skipNotifications?: boolean;
}

/**
 * Converts a remote status object from an author already verified (the activity's signer, or the actor
 * on the object's own origin), fetches what it answers and quotes when missing (up to MAX_ANCESTOR_DEPTH),
 * and stores it. Null when refused: an object on another origin than its author, or one the converter
 * refuses.
 */
export async function storeRemoteStatusObject(
  ctx: Context<CoreContext>,
  object: StatusObject,
  author: AccountRow,
  options: StoreStatusOptions = {},
): Promise<RecordedRemoteStatus | null> {
  if (!object.id || author.uri === null || object.id.origin !== new URL(author.uri).origin) return null;
  const existing = await findStatusByUri(ctx.data, object.id.href);
  if (existing) return { status: existing, isNew: false };
  const conversion = await convertStatusObject(ctx, object, author, options.raw ?? null);
  if (!conversion.ok) {
    logger.info("Not storing {uri}: {reason}", { uri: object.id.href, reason: conversion.reason });
    return null;
  }
  const record = conversion.record;
  const depth = options.depth ?? 0;
  const parent = await statusFor(ctx, record.inReplyToUri, depth);
  // A quote is fetched without its own ancestors and quotes: following both at every level would let a
  // thread of replies that each quote another fetch 2^MAX_ANCESTOR_DEPTH statuses from one Create.
  const quoted = await statusFor(ctx, record.quoteUri, Math.max(depth, MAX_ANCESTOR_DEPTH - 1));
  return (
    (await recordRemoteStatus(
      ctx.data,
      { ...record, inReplyToId: parent?.id ?? null, quoteOfId: quoted?.id ?? null },
      { skipNotifications: options.skipNotifications },
    )) ?? null
  );
}

/** A status we have for an id, or (within the depth bound) fetched and stored. */
async function statusFor(ctx: Context<CoreContext>, uri: string | null, depth: number): Promise<StatusRow | undefined> {
  if (uri === null || !URL.canParse(uri)) return undefined;
  const url = new URL(uri);
  const known = await knownStatusOf(ctx, url);
  if (known || depth >= MAX_ANCESTOR_DEPTH) return known;
  return (await fetchRemoteStatus(ctx, url, depth + 1)) ?? undefined;
}

/**
 * Fetches a remote status by its id and stores it (without notifying), with its own ancestors up to the
 * bound. Fedify's lookup refuses a document whose id is on another origin than the URL it came from, and
 * the author must live on the status's origin too. Null when it cannot be had.
 */
export async function fetchRemoteStatus(ctx: Context<CoreContext>, uri: URL, depth = 0): Promise<StatusRow | null> {
  const known = await knownStatusOf(ctx, uri);
  if (known) return known;
  if (uri.origin === new URL(ctx.canonicalOrigin).origin || (await isBlockedHost(ctx.data, uri))) return null;
  const fetched = keepRawDocuments(ctx.documentLoader);
  const object = await ctx.lookupObject(uri, { documentLoader: fetched.loader }).catch(() => null);
  // Fedify's lookup has checked the document's id is on the URL's origin; the id may still differ (a url).
  if (!object || !isStatusObject(object) || !object.id) return null;
  if (object.id.href !== uri.href) {
    const byId = await knownStatusOf(ctx, object.id);
    if (byId) return byId;
  }
  const author = await authorOf(ctx, object);
  if (!author) return null;
  const raw = rawObjectWithId(object.id.href, ...fetched.documents(), await object.toJsonLd().catch(() => null));
  const stored = await storeRemoteStatusObject(ctx, object, author, { raw, depth, skipNotifications: true });
  return stored?.status ?? null;
}
