import type { AccountRow } from "./accounts.ts";
import type { FollowRow } from "./follows.ts";

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
}

/** Finding accounts elsewhere in the fediverse: WebFinger and actor documents, stored as account rows. */
export interface RemoteLookupPort {
  /** The account for `name@host`, fetched and stored (or refreshed); null when no such actor answers. */
  resolveHandle(username: string, domain: string): Promise<AccountRow | null>;
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
      },
      remote: {
        resolveHandle: (...args) => real().remote.resolveHandle(...args),
      },
    },
  };
}

async function refuse(): Promise<never> {
  throw new Error("This command runs without the federation and cannot reach other servers.");
}

/** For commands that never federate (setup, token): using them is a bug, so they say so. */
export const offlinePorts: CorePorts = {
  outbound: { follow: refuse, undoFollow: refuse, acceptFollow: refuse, rejectFollow: refuse },
  remote: { resolveHandle: refuse },
};
