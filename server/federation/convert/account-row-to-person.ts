import type { ActorKeyPair, Context } from "@fedify/fedify";
import { Endpoints, Image, Person, PropertyValue } from "@fedify/vocab";
import { avatarUrl, headerUrl } from "../../core/media/account-images.ts";
import { isoToInstant } from "../temporal.ts";
import { customEmojiToTag } from "./emoji-tag.ts";
import type { AccountRow, CustomEmojiRow } from "../../core/rows.ts";

function parseJsonArray(json: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function profileFields(fieldsJson: string): PropertyValue[] {
  return parseJsonArray(fieldsJson).flatMap((field) => {
    if (typeof field !== "object" || field === null) return [];
    const { name, value } = field as { name?: unknown; value?: unknown };
    if (typeof name !== "string" || typeof value !== "string") return [];
    return [new PropertyValue({ name, value })];
  });
}

/**
 * A local account as the Person every peer reads: Mastodon's shape, with our collections and keys, and an
 * Emoji tag for each custom emoji its name, note and fields use (core's loadAccountEmojis).
 */
export function accountRowToPerson<TContextData>(
  ctx: Context<TContextData>,
  account: AccountRow,
  keys: readonly ActorKeyPair[],
  emojis: readonly CustomEmojiRow[] = [],
): Person {
  const username = account.username;
  // Mastodon's ActorSerializer for a suspended account: toot:suspended, and nothing of the profile but its keys.
  const isSuspended = account.suspended_at !== null;
  return new Person({
    id: ctx.getActorUri(username),
    preferredUsername: username,
    name: isSuspended ? "" : account.display_name,
    summary: isSuspended ? "" : account.note,
    suspended: isSuspended,
    url: new URL(`/@${username}`, ctx.canonicalOrigin),
    published: isoToInstant(account.created_at),
    manuallyApprovesFollowers: account.is_locked === 1,
    discoverable: account.is_discoverable === 1,
    indexable: account.is_indexable === 1,
    icon: new Image({ url: new URL(avatarUrl(account, ctx.canonicalOrigin)) }),
    image: new Image({ url: new URL(headerUrl(account, ctx.canonicalOrigin)) }),
    attachments: isSuspended ? [] : profileFields(account.fields_json),
    tags: (isSuspended ? [] : emojis).map((emoji) => customEmojiToTag(ctx.canonicalOrigin, emoji)),
    aliases: parseJsonArray(account.also_known_as_json).flatMap((alias) => (typeof alias === "string" && URL.canParse(alias) ? [new URL(alias)] : [])),
    // movedTo: Mastodon shows the new address on the old profile, and a follower who missed the Move finds it here.
    successor: account.moved_to_uri !== null && URL.canParse(account.moved_to_uri) ? new URL(account.moved_to_uri) : null,
    inbox: ctx.getInboxUri(username),
    outbox: ctx.getOutboxUri(username),
    followers: ctx.getFollowersUri(username),
    following: ctx.getFollowingUri(username),
    liked: ctx.getLikedUri(username),
    featured: ctx.getFeaturedUri(username),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    // The RSA key signs our HTTP requests (draft-cavage); every key is also a Multikey for FEP-521a proofs.
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((key) => key.multikey),
  });
}
