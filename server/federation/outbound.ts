import type { Federation } from "@fedify/fedify";
import { Accept, Follow, Reject, Undo, type Recipient } from "@fedify/vocab";
import type { CoreContext } from "../core/context.ts";
import type { OutboundPort } from "../core/ports.ts";
import { getLogger } from "@logtape/logtape";
import { createPublisher } from "./publish.ts";
import type { AccountRow, FollowRow } from "../core/rows.ts";

const logger = getLogger(["hearth", "federation", "outbound"]);

export interface OutboundDependencies {
  federation: Federation<CoreContext>;
  core: CoreContext;
  origin(): string;
}

function remoteRecipient(account: AccountRow): Recipient {
  if (account.uri === null || account.inbox_url === null) {
    throw new Error(`Account ${account.id} has no ActivityPub id or inbox to deliver to.`);
  }
  return {
    id: new URL(account.uri),
    inboxId: new URL(account.inbox_url),
    endpoints: account.shared_inbox_url ? { sharedInbox: new URL(account.shared_inbox_url) } : null,
  };
}

/**
 * Core's outbound port: activities built from rows and queued with Fedify (signed draft-cavage first,
 * retried from our SQLite queue). Follow-family activities go to the personal inbox, as Mastodon sends them.
 */
export function createOutboundPort({ federation, core, origin }: OutboundDependencies): OutboundPort {
  const context = () => federation.createContext(new URL(origin()), core);
  const actorUri = (account: AccountRow) => (account.domain === null ? context().getActorUri(account.username) : new URL(account.uri ?? ""));

  function followActivity(follow: FollowRow, follower: AccountRow, target: AccountRow): Follow {
    return new Follow({ id: new URL(follow.uri), actor: actorUri(follower), object: actorUri(target) });
  }

  /** An answer (Accept or Reject) from the local target to the remote follower. */
  async function answer(kind: "accepts" | "rejects", follow: FollowRow, follower: AccountRow, target: AccountRow) {
    const ctx = context();
    const targetUri = ctx.getActorUri(target.username);
    // Mastodon's ids for these: the actor's id with a fragment naming what was answered.
    const values = {
      id: new URL(`${targetUri.href}#${kind}/follows/${follow.id}`),
      actor: targetUri,
      object: followActivity(follow, follower, target),
    };
    await ctx.sendActivity({ identifier: target.username }, remoteRecipient(follower), kind === "accepts" ? new Accept(values) : new Reject(values));
  }

  return {
    async follow(follow, follower, target) {
      await context().sendActivity({ identifier: follower.username }, remoteRecipient(target), followActivity(follow, follower, target));
    },
    async undoFollow(follow, follower, target) {
      const activity = new Undo({
        id: new URL(`${follow.uri}#undo`),
        actor: actorUri(follower),
        object: followActivity(follow, follower, target),
      });
      await context().sendActivity({ identifier: follower.username }, remoteRecipient(target), activity);
    },
    acceptFollow: (follow, follower, target) => answer("accepts", follow, follower, target),
    rejectFollow: (follow, follower, target) => answer("rejects", follow, follower, target),
    async publish(activity) {
      // Core publishes after its commit: a failure here must not undo (or fail) what the user already did.
      try {
        await createPublisher(context())(activity);
      } catch (error) {
        logger.error("Could not publish {type}: {error}", { type: activity.type, error });
      }
    },
  };
}
