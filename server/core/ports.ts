import type { AccountRow, FollowRow } from "./rows.ts";

/**
 * What core asks of the outside world once its rows are written. Core speaks in rows; federation/ turns
 * them into activities and queues their delivery. Every call happens after the transaction commits, so a
 * peer never hears of something we then rolled back.
 */
export interface OutboundPort {
  /** A local account asked to follow a remote one. */
  follow(follow: FollowRow, follower: AccountRow, target: AccountRow): Promise<void>;
  /** A local account stopped following (or withdrew its request to follow) a remote one. */
  undoFollow(follow: FollowRow, follower: AccountRow, target: AccountRow): Promise<void>;
  /** A local account accepted a remote account's follow. */
  acceptFollow(follow: FollowRow, follower: AccountRow, target: AccountRow): Promise<void>;
  /** A local account rejected a remote follow request, or removed a remote follower. */
  rejectFollow(follow: FollowRow, follower: AccountRow, target: AccountRow): Promise<void>;
  /**
   * Everything else a local account does that peers must hear of. Core names what happened by ids (the
   * rows are committed and federation reads them) or, for what is gone, by a snapshot taken before it went.
   */
  publish(activity: OutboundActivity): Promise<void>;
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

export type OutboundActivity =
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
  /** Update(Person) to followers after a profile change. */
  | { type: "account.updated"; accountId: string }
  /** Move to followers: the account now lives at targetUri (which lists us in alsoKnownAs). */
  | { type: "account.moved"; accountId: string; targetUri: string }
  /** Flag to the reported account's server, when the reporter chose to forward. */
  | { type: "report.forwarded"; reportId: string };

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
}

export interface CorePorts {
  readonly outbound: OutboundPort;
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
      outbound: {
        follow: (...args) => real().outbound.follow(...args),
        undoFollow: (...args) => real().outbound.undoFollow(...args),
        acceptFollow: (...args) => real().outbound.acceptFollow(...args),
        rejectFollow: (...args) => real().outbound.rejectFollow(...args),
        publish: (...args) => real().outbound.publish(...args),
      },
      remote: {
        resolveHandle: (...args) => real().remote.resolveHandle(...args),
        resolveUrl: (...args) => real().remote.resolveUrl(...args),
      },
    },
  };
}

async function refuse(): Promise<never> {
  throw new Error("This command runs without the federation and cannot reach other servers.");
}

/** For commands that never federate (setup, token): using them is a bug, so they say so. */
export const offlinePorts: CorePorts = {
  outbound: { follow: refuse, undoFollow: refuse, acceptFollow: refuse, rejectFollow: refuse, publish: refuse },
  remote: { resolveHandle: refuse, resolveUrl: refuse },
};
