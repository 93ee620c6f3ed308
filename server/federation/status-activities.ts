import { Announce, Create, Delete, Tombstone, Undo, Update, PUBLIC_COLLECTION, type Note, type Question } from "@fedify/vocab";
import type { DeletedStatusSnapshot } from "../core/ports.ts";
import { statusUri } from "../core/statuses/status-addresses.ts";
import type { StatusParts } from "../core/peers/status-parts.ts";
import { addressingFor } from "./convert/audience.ts";
import { accountUri, statusAddressing, statusApUri, statusRowToNote, type LocalAddresses } from "./convert/status-row-to-note.ts";
import { isoToInstant } from "./temporal.ts";
import type { AccountRow } from "../core/rows.ts";

/**
 * The activities that carry our statuses, with Mastodon's ids: Create at `${note}/activity`, Update at
 * `${note}#updates/${time}`, Delete at `${note}#delete`, and a boost's Announce at `${boost}/activity`.
 */

export function repliesUri(note: URL): URL {
  return new URL(`${note.href}/replies`);
}

export function noteOf(addresses: LocalAddresses, parts: StatusParts): Note | Question {
  const id = statusApUri(addresses, parts.status, parts.author);
  return statusRowToNote(addresses, parts, repliesUri(id));
}

export function createActivity(addresses: LocalAddresses, parts: StatusParts): Create {
  const note = noteOf(addresses, parts);
  const { to, cc } = statusAddressing(addresses, parts);
  return new Create({
    id: new URL(`${note.id?.href}/activity`),
    actor: addresses.actorUri(parts.author.username),
    published: isoToInstant(parts.status.created_at),
    tos: to,
    ccs: cc,
    object: note,
  });
}

export function updateActivity(addresses: LocalAddresses, parts: StatusParts, at: Date): Update {
  const note = noteOf(addresses, parts);
  const { to, cc } = statusAddressing(addresses, parts);
  return new Update({
    id: new URL(`${note.id?.href}#updates/${at.getTime()}`),
    actor: addresses.actorUri(parts.author.username),
    published: isoToInstant(at.toISOString()),
    tos: to,
    ccs: cc,
    object: note,
  });
}

/** The Announce of a boost: public ones to Public, others to followers, the boosted author always in cc. */
export function announceActivity(addresses: LocalAddresses, parts: StatusParts): Announce | null {
  const original = parts.reblogOf;
  if (!original) return null;
  const boostUri = statusApUri(addresses, parts.status, parts.author);
  const followers = addresses.followersUri(parts.author.username);
  const originalAuthor = accountUri(addresses, original.author);
  const addressing = addressingFor(parts.status.visibility === "direct" ? "private" : parts.status.visibility, followers, [originalAuthor]);
  return new Announce({
    id: new URL(`${boostUri.href}/activity`),
    actor: addresses.actorUri(parts.author.username),
    published: isoToInstant(parts.status.created_at),
    tos: addressing.to,
    ccs: addressing.cc,
    object: statusApUri(addresses, original.status, original.author),
  });
}

/** The id a deleted local status (or boost) had. */
function deletedUri(addresses: LocalAddresses, snapshot: DeletedStatusSnapshot, author: AccountRow): URL {
  return new URL(statusUri({ id: snapshot.statusId, uri: null, url: null, local: 1 }, author, addresses.origin));
}

/** Delete(Tombstone) of a status, or Undo(Announce) of a boost, addressed as the status was. */
export function deletionActivity(addresses: LocalAddresses, snapshot: DeletedStatusSnapshot, author: AccountRow, mentioned: readonly URL[]): Delete | Undo {
  const uri = deletedUri(addresses, snapshot, author);
  const actor = addresses.actorUri(author.username);
  const followers = addresses.followersUri(author.username);
  if (snapshot.reblogOfId !== null) {
    const addressing = addressingFor(snapshot.visibility === "direct" ? "private" : snapshot.visibility, followers, mentioned);
    return new Undo({
      id: new URL(`${uri.href}/activity#undo`),
      actor,
      tos: addressing.to,
      ccs: addressing.cc,
      object: new Announce({ id: new URL(`${uri.href}/activity`), actor }),
    });
  }
  const to = snapshot.visibility === "direct" ? [...mentioned] : snapshot.visibility === "private" ? [followers, ...mentioned] : [PUBLIC_COLLECTION];
  return new Delete({ id: new URL(`${uri.href}#delete`), actor, tos: to, object: new Tombstone({ id: uri }) });
}
