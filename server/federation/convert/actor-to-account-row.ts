import { getTypeId, isActor, Link, PropertyValue, type Actor, type DocumentLoader, type Image, type Object as ApObject } from "@fedify/vocab";
import type { RemoteAccountFields } from "../../core/accounts/remote-accounts.ts";
import { sanitiseRemoteHtml } from "../html-sanitiser.ts";

// Bounds on what one actor document may make us store; generous next to what any server sends.
const DISPLAY_NAME_MAX = 2048;
const USERNAME_MAX = 2048;
const NOTE_MAX = 100_000;
const FIELDS_MAX = 16;
const FIELD_NAME_MAX = 2048;
const FIELD_VALUE_MAX = 10_000;
const ALIASES_MAX = 16;

export interface ActorConversionOptions {
  /** The handle's domain when WebFinger named one (it may differ from the id's host); else the id's host. */
  domain?: string;
  documentLoader?: DocumentLoader;
  contextLoader?: DocumentLoader;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

function firstUrl(value: URL | Link | null): string | null {
  if (value instanceof URL) return value.href;
  if (value instanceof Link) return value.href?.href ?? null;
  return null;
}

function imageUrl(image: Image | null): string | null {
  if (!image) return null;
  return firstUrl(image.url);
}

function isHttpUrl(value: string | null): value is string {
  if (value === null) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** The part of an id that names the actor's type, as Mastodon's actor_type does: Person, Service, Group... */
function actorType(actor: Actor): string {
  const id = getTypeId(actor).href;
  return id.slice(id.lastIndexOf("#") + 1);
}

/**
 * A remote actor document as the row core stores. Returns null for something that cannot be followed or
 * addressed (no id, no inbox, no username). The note and field values are sanitised here, on arrival.
 */
export async function actorToAccountRow(actor: ApObject, options: ActorConversionOptions = {}): Promise<RemoteAccountFields | null> {
  if (!isActor(actor) || actor.id === null || actor.inboxId === null) return null;
  const username = text(actor.preferredUsername)?.trim();
  if (!username || username.length > USERNAME_MAX) return null;
  const loaders = { documentLoader: options.documentLoader, contextLoader: options.contextLoader, suppressError: true };

  const fields: Array<{ name: string; value: string }> = [];
  for await (const attachment of actor.getAttachments(loaders)) {
    if (fields.length >= FIELDS_MAX) break;
    if (!(attachment instanceof PropertyValue)) continue;
    const name = text(attachment.name)?.slice(0, FIELD_NAME_MAX);
    const value = text(attachment.value);
    if (!name || value === null) continue;
    fields.push({ name, value: sanitiseRemoteHtml(value.slice(0, FIELD_VALUE_MAX)) });
  }

  const [icon, header] = await Promise.all([
    actor.getIcon(loaders).catch(() => null),
    actor.getImage(loaders).catch(() => null),
  ]);
  const avatarUrl = imageUrl(icon);
  const headerUrl = imageUrl(header);
  const profileUrl = firstUrl(actor.url);
  const published = actor.published;

  return {
    uri: actor.id.href,
    username,
    domain: (options.domain ?? actor.id.host).toLowerCase(),
    display_name: (text(actor.name) ?? "").slice(0, DISPLAY_NAME_MAX),
    note: sanitiseRemoteHtml((text(actor.summary) ?? "").slice(0, NOTE_MAX)),
    fields_json: JSON.stringify(fields),
    is_locked: actor.manuallyApprovesFollowers === true ? 1 : 0,
    is_bot: actorType(actor) === "Service" || actorType(actor) === "Application" ? 1 : 0,
    // Mastodon's defaults for actors that do not say: not discoverable, not indexable.
    is_discoverable: actor.discoverable === true ? 1 : 0,
    is_indexable: actor.indexable === true ? 1 : 0,
    url: isHttpUrl(profileUrl) ? profileUrl : actor.id.href,
    actor_type: actorType(actor),
    inbox_url: actor.inboxId.href,
    shared_inbox_url: actor.endpoints?.sharedInbox?.href ?? null,
    outbox_url: actor.outboxId?.href ?? null,
    followers_url: actor.followersId?.href ?? null,
    following_url: actor.followingId?.href ?? null,
    featured_url: actor.featuredId?.href ?? null,
    public_key_id: actor.publicKeyId?.href ?? null,
    avatar_remote_url: isHttpUrl(avatarUrl) ? avatarUrl : null,
    header_remote_url: isHttpUrl(headerUrl) ? headerUrl : null,
    moved_to_uri: actor.successorId?.href ?? null,
    also_known_as_json: JSON.stringify(actor.aliasIds.slice(0, ALIASES_MAX).map((alias) => alias.href)),
    published_at: published ? new Date(published.epochMilliseconds).toISOString() : null,
  };
}
