import type { AccountRow } from "./rows.ts";

/** A follow as the activities about it need it: its row may be gone by the time they are built. */
export interface FollowSnapshot {
  /** The follow row's id: Accept and Reject ids are made from it, as Mastodon's are. */
  id: string;
  /** The Follow activity's id. */
  uri: string;
  followerId: string;
  targetId: string;
}

/** A status that no longer exists, as federation needs it to tell the peers that had it. */
export interface DeletedStatusSnapshot {
  statusId: string;
  accountId: string;
  visibility: "public" | "unlisted" | "private" | "direct";
  /** Accounts it was addressed to by mention: they hear of the deletion even when they do not follow. */
  mentionedAccountIds: readonly string[];
  /** For a boost: the boosted status and its author (Undo(Announce) goes to them too). */
  reblogOfId: string | null;
  reblogOfAccountId: string | null;
}

/**
 * What a local account did that peers must hear of. Core records it in the outbox in the same transaction
 * as the write (core/write.ts), naming what happened by ids (the rows are committed and federation reads
 * them) or, for what is gone, by a snapshot taken before it went. Plain JSON: it waits in the database.
 */
export type OutboundActivity =
  /** Follow, to the remote account a local one asked to follow. */
  | { type: "follow.requested"; follow: FollowSnapshot }
  /** Undo(Follow): a local account stopped following, or withdrew its request. */
  | { type: "follow.undone"; follow: FollowSnapshot }
  /** Accept(Follow) from a local account to its remote follower. */
  | { type: "follow.accepted"; follow: FollowSnapshot }
  /** Reject(Follow): a remote follow request declined, or a remote follower removed. */
  | { type: "follow.rejected"; follow: FollowSnapshot }
  /** Create(Note/Question): to followers (unless direct), mentioned accounts, and a reply's parent author. */
  | { type: "status.created"; statusId: string }
  /** Update(Note/Question) after an edit, or a local poll's new tallies and closing. */
  | { type: "status.updated"; statusId: string }
  /** Delete(Tombstone), or Undo(Announce) when the status was a boost. */
  | { type: "status.deleted"; snapshot: DeletedStatusSnapshot }
  /** Announce of a status (statusId is the boost row). */
  | { type: "status.reblogged"; statusId: string }
  | { type: "status.favourited"; favouriteId: string }
  /** Undo(Like): the favourite's row is gone, so its parts travel here. */
  | { type: "status.unfavourited"; accountId: string; statusId: string; favouriteUri: string }
  /** A local account's votes on a remote poll: one Create(Note{name}) per choice, to the poll's author. */
  | { type: "poll.voted"; pollId: string; accountId: string; voteIds: readonly string[] }
  | { type: "account.blocked"; blockId: string }
  | { type: "account.unblocked"; accountId: string; targetAccountId: string; blockUri: string }
  /**
   * Update(Person) to followers after a profile change; also to the accounts named in alsoTo (a new alias's
   * server must see our alsoKnownAs before it lets that account move here).
   */
  | { type: "account.updated"; accountId: string; alsoToAccountIds?: readonly string[] }
  /** Move to followers: the account now lives at targetUri (which lists us in alsoKnownAs). */
  | { type: "account.moved"; accountId: string; targetUri: string; migrationId?: string }
  /** Flag to the reported account's server, when the reporter chose to forward. */
  | { type: "report.forwarded"; reportId: string }
  /** Delete(Person) of a deleted local account, to the remote accounts that followed it or that it followed. */
  | { type: "account.deleted"; accountId: string; recipientAccountIds: readonly string[] };

/** What a URL pasted into search turned out to be, once fetched and stored. */
export type ResolvedUrl = { kind: "account"; account: AccountRow } | { kind: "status"; statusId: string };

/** Finding accounts elsewhere in the fediverse: WebFinger and actor documents, stored as account rows. */
export interface RemoteLookupPort {
  /** The account for `name@host`, fetched and stored (or refreshed); null when no such actor answers. */
  resolveHandle(username: string, domain: string): Promise<AccountRow | null>;
  /**
   * The object at a remote URL (an actor's id or profile page, a post's id or page), fetched and stored;
   * null when it is neither an actor nor a post we can store.
   */
  resolveUrl(url: string): Promise<ResolvedUrl | null>;
  /**
   * The actor at `uri` fetched again now, past every cache, with a request signed by the local account
   * `asUsername`, and stored; null when no actor answers there. For what must be true this minute, such as
   * a move's target listing the account that moves.
   */
  refreshActor(uri: string, asUsername: string): Promise<AccountRow | null>;
}

/**
 * Delivery of what the outbox holds. core/write.ts calls it after a commit that recorded activities; the
 * federation also drains at start and on a timer, so what a crash left behind still goes out.
 */
export interface OutboxPort {
  /** Hands every due outbox row to the delivery queue; failures are kept for a later try, never thrown. */
  deliverPending(): Promise<void>;
}

export interface CorePorts {
  readonly outbox: OutboxPort;
  readonly remote: RemoteLookupPort;
}

/**
 * The real ports need the federation, and the federation's dispatchers need core: startInstance makes core
 * with these stand-ins and binds the real ports once the federation exists.
 */
export interface LateBoundPorts {
  readonly ports: CorePorts;
  bind(ports: CorePorts): void;
}

export function lateBoundPorts(): LateBoundPorts {
  let bound: CorePorts | undefined;
  const real = (): CorePorts => {
    if (!bound) throw new Error("A core port was used before the federation was ready.");
    return bound;
  };
  return {
    bind(ports) {
      bound = ports;
    },
    ports: {
      // Before the federation exists nothing can be delivered: the rows wait for its first drain.
      outbox: { deliverPending: async () => bound?.outbox.deliverPending() },
      remote: {
        resolveHandle: (...args) => real().remote.resolveHandle(...args),
        resolveUrl: (...args) => real().remote.resolveUrl(...args),
        refreshActor: (...args) => real().remote.refreshActor(...args),
      },
    },
  };
}

async function refuse(): Promise<never> {
  throw new Error("This command runs without the federation and cannot reach other servers.");
}

/**
 * For commands that never federate (setup, token, and later import): what they record in the outbox waits
 * there until `hearth serve` drains it; looking up remote accounts is a bug, so it says so.
 */
export const offlinePorts: CorePorts = {
  outbox: { deliverPending: async () => {} },
  remote: { resolveHandle: refuse, resolveUrl: refuse, refreshActor: refuse },
};
