import { acceptFollowRequest, followAccount, getFollow } from "../../server/core/relationships/follows.ts";
import { findAccountByUri, resolveRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import type { TestInstance } from "./instances.ts";
import { waitFor } from "./wait-for.ts";
import type { AccountRow, StatusRow } from "../../server/core/rows.ts";

/** What federated-status tests ask of instances, in the words of the scenario. */

/** `who` as an account row on `where`'s side, looked up by handle as a user would. */
export async function accountOn(where: TestInstance, who: TestInstance): Promise<AccountRow> {
  const account = await resolveRemoteAccount(where.core, who.handle);
  if (!account) throw new Error(`${where.handle} could not resolve ${who.handle}`);
  return account;
}

/** The row `where` keeps for `who`'s owner, once `who` has been in touch. */
export async function knownOn(where: TestInstance, who: TestInstance): Promise<AccountRow> {
  return waitFor(() => findAccountByUri(where.core, who.actorUri), { what: `${where.handle} to know ${who.handle}` });
}

/** `follower` follows `target` and (if the target is locked) the target accepts; waits until both agree. */
export async function follow(follower: TestInstance, target: TestInstance): Promise<void> {
  const targetOnFollower = await accountOn(follower, target);
  await followAccount(follower.core, follower.owner.id, targetOnFollower.id, { origin: follower.url });
  if (target.owner.is_locked === 1) {
    const followerOnTarget = await knownOn(target, follower);
    await waitFor(async () => (await getFollow(target.core, followerOnTarget.id, target.owner.id))?.state === "pending", {
      what: `${target.handle} to hold ${follower.handle}'s request`,
    });
    await acceptFollowRequest(target.core, target.owner.id, followerOnTarget.id);
  }
  await waitFor(async () => (await getFollow(follower.core, follower.owner.id, targetOnFollower.id))?.state === "accepted", {
    what: `${follower.handle} to follow ${target.handle}`,
  });
}

/** A local status's ActivityPub id. */
export function statusUri(instance: TestInstance, status: StatusRow): string {
  return `${instance.actorUri}/statuses/${status.id}`;
}

/** Waits for `where` to have stored the status with this id, and returns its row there. */
export async function arrivedOn(where: TestInstance, uri: string, what = `${uri} to arrive`): Promise<StatusRow> {
  return waitFor(() => findStatusByUri(where.core, uri), { what: `${what} on ${where.handle}` });
}

/** Whether every queued job (deliveries and inbox work) of these instances is done. */
export async function drained(...instances: TestInstance[]): Promise<void> {
  for (const instance of instances) await waitFor(() => instance.isQueueEmpty(), { what: `${instance.handle}'s queue to drain`, timeoutMs: 20_000 });
}

/** The statuses in an account's home feed on its instance, newest first, as ActivityPub ids or local ids. */
export async function homeFeed(instance: TestInstance): Promise<StatusRow[]> {
  return instance.core.db
    .selectFrom("home_feed")
    .innerJoin("statuses", "statuses.id", "home_feed.status_id")
    .selectAll("statuses")
    .where("home_feed.account_id", "=", instance.owner.id)
    .orderBy("statuses.id", "desc")
    .execute();
}

export interface NotificationSeen {
  type: string;
  from: string | null;
  statusId: string | null;
}

/** The owner's notifications: their type, who caused them (actor id) and the status. */
export async function notificationsOf(instance: TestInstance): Promise<NotificationSeen[]> {
  const rows = await instance.core.db
    .selectFrom("notifications")
    .innerJoin("accounts", "accounts.id", "notifications.from_account_id")
    .select(["notifications.type", "accounts.uri", "notifications.status_id"])
    .where("notifications.account_id", "=", instance.owner.id)
    .orderBy("notifications.id")
    .execute();
  return rows.map((row) => ({ type: row.type, from: row.uri, statusId: row.status_id }));
}
