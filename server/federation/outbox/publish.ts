import type { Context } from "@fedify/fedify";
import { Block, Create, Delete, Flag, Like, Move, Note, PUBLIC_COLLECTION, Undo, Update, type Activity, type Recipient } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import {
  listBlockedEitherWay,
  listRemoteFollowers,
  listRemoteVoters,
  loadAccount,
  loadBlock,
  loadFavourite,
  loadOwnerAccount,
  loadPollStatusId,
  loadReport,
  loadVotes,
  type RemoteFollowerAddress,
} from "../../core/peers/activity-sources.ts";
import { loadAccountEmojis } from "../../core/emojis/account-emojis.ts";
import type { CoreContext } from "../../core/context.ts";
import { instanceDomainSuspensions } from "../../core/moderation/instance-domain-blocks.ts";
import type { DeletedStatusSnapshot, FollowSnapshot, OutboundActivity } from "../../core/ports.ts";
import { loadStatusParts, type StatusParts } from "../../core/peers/status-parts.ts";
import { localAddresses } from "../addresses.ts";
import { accountRowToPerson } from "../convert/account-row-to-person.ts";
import { accountUri, statusApUri } from "../convert/status-row-to-note.ts";
import { remoteRecipients } from "../recipients.ts";
import { followStepActivity, type FollowActivityKind } from "./follow-activities.ts";
import { announceActivity, createActivity, deletionActivity, updateActivity } from "../status-activities.ts";
import type { AccountRow } from "../../core/rows.ts";

const logger = getLogger(["hearth", "federation", "outbound"]);

export interface DeliveryOptions {
  /** Create/Update/Delete of one object are delivered in this order per server. */
  orderingKey?: string;
  /** Follow-family activities go to the personal inbox, as Mastodon sends them; everything else is shared. */
  personalInbox?: boolean;
}

/**
 * Sends one activity from a local account to remote recipients, through Fedify's queue: one request per
 * shared inbox unless asked otherwise. The one place every outgoing activity passes, where delivery policy
 * (per-host health, retries) can hook in.
 */
export type Deliver = (sender: AccountRow, recipients: Recipient[], activity: Activity, options?: DeliveryOptions) => Promise<void>;

export function fedifyDeliver(ctx: Context<CoreContext>): Deliver {
  return async (sender, everyRecipient, activity, options = {}) => {
    // A suspended domain hears nothing (Mastodon's DomainBlock): left out here rather than refused at the
    // socket, where the queue would retry it for two days.
    const isSuspended = await instanceDomainSuspensions(ctx.data);
    const recipients = everyRecipient.filter((recipient) => {
      const host = (recipient.inboxId ?? recipient.id)?.host;
      return !(host && isSuspended(host));
    });
    if (recipients.length === 0) return;
    await ctx.sendActivity({ identifier: sender.username }, recipients, activity, {
      preferSharedInbox: options.personalInbox !== true,
      orderingKey: options.orderingKey,
    });
  };
}

/**
 * Who hears of a status: followers (unless it is direct), every account it mentions or addresses, and the
 * authors of what it answers and quotes (public and unlisted only, as Mastodon's StatusReachFinder), and for
 * a poll's new tallies the remote accounts that voted. Never an account that blocks the author, or that the
 * author blocks: a block stops delivery both ways.
 */
async function statusAudience(core: CoreContext, parts: StatusParts): Promise<Recipient[]> {
  const accounts: Array<RemoteFollowerAddress | undefined> = parts.mentions.map(({ account }) => account);
  if (parts.status.visibility !== "direct") accounts.push(...(await listRemoteFollowers(core, parts.author.id)));
  if (parts.status.visibility === "public" || parts.status.visibility === "unlisted") {
    accounts.push(parts.inReplyTo?.author, parts.quote?.author);
  }
  if (parts.poll) accounts.push(...(await listRemoteVoters(core, parts.poll.row.id)));
  const blocked = await listBlockedEitherWay(core, parts.author.id);
  return remoteRecipients(accounts.filter((account) => account && !blocked.has(account.id)));
}

/** Our own statuses only: a remote status is its server's to federate. */
async function localStatus(core: CoreContext, statusId: string): Promise<StatusParts | undefined> {
  const parts = await loadStatusParts(core, statusId);
  return parts && parts.status.local === 1 && parts.author.domain === null ? parts : undefined;
}

/**
 * The Fedify activity (and its audience) for each OutboundActivity variant. `recordedAt` is when the write
 * recorded it: activities sent again after a crash keep their ids and dates.
 */
export function createPublisher(ctx: Context<CoreContext>, deliver: Deliver = fedifyDeliver(ctx)) {
  const core = ctx.data;
  const addresses = localAddresses(ctx);

  /** Each step of a follow between a local and a remote account, sent by the local side. */
  async function followStep(kind: FollowActivityKind, follow: FollowSnapshot) {
    const follower = await loadAccount(core, follow.followerId);
    const target = await loadAccount(core, follow.targetId);
    if (!follower || !target) return;
    const [sender, recipient] = kind === "follow.requested" || kind === "follow.undone" ? [follower, target] : [target, follower];
    if (sender.domain !== null) return;
    const activity = followStepActivity(addresses, kind, follow, follower, target);
    await deliver(sender, remoteRecipients([recipient]), activity, { personalInbox: true });
  }

  async function statusCreated(statusId: string) {
    const parts = await localStatus(core, statusId);
    if (!parts) return;
    if (parts.reblogOf) return statusReblogged(statusId);
    const activity = createActivity(addresses, parts);
    await deliver(parts.author, await statusAudience(core, parts), activity, { orderingKey: activity.objectId?.href });
  }

  async function statusUpdated(statusId: string, at: Date) {
    const parts = await localStatus(core, statusId);
    if (!parts || parts.reblogOf) return;
    const activity = updateActivity(addresses, parts, at);
    await deliver(parts.author, await statusAudience(core, parts), activity, { orderingKey: activity.objectId?.href });
  }

  async function statusDeleted(snapshot: DeletedStatusSnapshot) {
    const author = await loadAccount(core, snapshot.accountId);
    if (!author || author.domain !== null) return;
    const mentioned = (await Promise.all(snapshot.mentionedAccountIds.map((id) => loadAccount(core, id)))).filter((a) => a !== undefined);
    const boosted = snapshot.reblogOfAccountId ? await loadAccount(core, snapshot.reblogOfAccountId) : undefined;
    const mentionedUris = [...mentioned, ...(boosted ? [boosted] : [])].map((account) => accountUri(addresses, account));
    const activity = deletionActivity(addresses, snapshot, author, mentionedUris);
    const audience = snapshot.visibility === "direct" ? [] : await listRemoteFollowers(core, author.id);
    await deliver(author, remoteRecipients([...audience, ...mentioned, boosted]), activity, { orderingKey: activity.objectId?.href });
  }

  async function statusReblogged(statusId: string) {
    const parts = await localStatus(core, statusId);
    const activity = parts ? announceActivity(addresses, parts) : null;
    if (!parts?.reblogOf || !activity) return;
    await deliver(parts.author, remoteRecipients([...(await listRemoteFollowers(core, parts.author.id)), parts.reblogOf.author]), activity);
  }

  async function statusFavourited(favouriteId: string) {
    const favourite = await loadFavourite(core, favouriteId);
    const parts = favourite ? await loadStatusParts(core, favourite.status_id) : undefined;
    const liker = favourite ? await loadAccount(core, favourite.account_id) : undefined;
    if (!favourite?.uri || !parts || !liker || liker.domain !== null || parts.author.domain === null) return;
    const like = new Like({ id: new URL(favourite.uri), actor: addresses.actorUri(liker.username), object: statusApUri(addresses, parts.status, parts.author) });
    await deliver(liker, remoteRecipients([parts.author]), like);
  }

  async function statusUnfavourited(accountId: string, statusId: string, favouriteUri: string) {
    const parts = await loadStatusParts(core, statusId);
    const liker = await loadAccount(core, accountId);
    if (!parts || !liker || liker.domain !== null || parts.author.domain === null || !URL.canParse(favouriteUri)) return;
    const actor = addresses.actorUri(liker.username);
    const like = new Like({ id: new URL(favouriteUri), actor, object: statusApUri(addresses, parts.status, parts.author) });
    await deliver(liker, remoteRecipients([parts.author]), new Undo({ id: new URL(`${favouriteUri}#undo`), actor, object: like }));
  }

  /** A vote on a remote poll: one Create(Note{name}) per choice, to the poll's author only (Mastodon's shape). */
  async function pollVoted(accountId: string, voteIds: readonly string[]) {
    const voter = await loadAccount(core, accountId);
    const votes = await loadVotes(core, voteIds);
    const pollStatusId = votes[0] ? await loadPollStatusId(core, votes[0].poll_id) : undefined;
    const parts = pollStatusId ? await loadStatusParts(core, pollStatusId) : undefined;
    if (!voter || voter.domain !== null || !parts?.poll || parts.author.domain === null) return;
    const actor = addresses.actorUri(voter.username);
    const question = statusApUri(addresses, parts.status, parts.author);
    const pollAuthor = accountUri(addresses, parts.author);
    for (const vote of votes) {
      if (!vote.uri) continue;
      const note = new Note({ id: new URL(vote.uri), name: parts.poll.options[vote.choice] ?? "", attribution: actor, replyTarget: question, tos: [pollAuthor] });
      await deliver(voter, remoteRecipients([parts.author]), new Create({ id: new URL(`${vote.uri}/activity`), actor, tos: [pollAuthor], object: note }));
    }
  }

  async function accountBlocked(blockId: string) {
    const block = await loadBlock(core, blockId);
    const blocker = block ? await loadAccount(core, block.account_id) : undefined;
    const target = block ? await loadAccount(core, block.target_account_id) : undefined;
    if (!block?.uri || !blocker || blocker.domain !== null || !target || target.domain === null) return;
    await deliver(blocker, remoteRecipients([target]), new Block({ id: new URL(block.uri), actor: addresses.actorUri(blocker.username), object: accountUri(addresses, target) }));
  }

  async function accountUnblocked(accountId: string, targetAccountId: string, blockUri: string) {
    const blocker = await loadAccount(core, accountId);
    const target = await loadAccount(core, targetAccountId);
    if (!blocker || blocker.domain !== null || !target || target.domain === null || !URL.canParse(blockUri)) return;
    const actor = addresses.actorUri(blocker.username);
    const block = new Block({ id: new URL(blockUri), actor, object: accountUri(addresses, target) });
    await deliver(blocker, remoteRecipients([target]), new Undo({ id: new URL(`${blockUri}#undo`), actor, object: block }));
  }

  async function accountUpdated(accountId: string, at: Date, alsoToAccountIds: readonly string[]) {
    const account = await loadAccount(core, accountId);
    if (!account || account.domain !== null) return;
    const [keys, emojis] = await Promise.all([ctx.getActorKeyPairs(account.username), loadAccountEmojis(core, [account])]);
    const person = accountRowToPerson(ctx, account, keys, emojis.get(account.id) ?? []);
    const actor = addresses.actorUri(account.username);
    // Addressed as Mastodon addresses it, to Public with the followers in cc: servers such as snac2 take an
    // Update only when it is public or addressed to them, and never heard of profile changes otherwise.
    const update = new Update({
      id: new URL(`${actor.href}#updates/${at.getTime()}`),
      actor,
      tos: [PUBLIC_COLLECTION],
      ccs: [addresses.followersUri(account.username)],
      object: person,
    });
    const alsoTo = await Promise.all(alsoToAccountIds.map((id) => loadAccount(core, id)));
    await deliver(account, remoteRecipients([...(await listRemoteFollowers(core, account.id)), ...alsoTo]), update, { orderingKey: actor.href });
  }

  async function accountMoved(accountId: string, targetUri: string, migrationId: string | undefined, at: Date) {
    const account = await loadAccount(core, accountId);
    if (!account || account.domain !== null || !URL.canParse(targetUri)) return;
    const actor = addresses.actorUri(account.username);
    const move = new Move({
      // One id per try (the migration's row), so a second move is never taken for a redelivery of the first.
      id: new URL(`${actor.href}#moves/${migrationId ?? at.getTime()}`),
      actor,
      object: actor,
      target: new URL(targetUri),
      tos: [addresses.followersUri(account.username)],
    });
    await deliver(account, remoteRecipients(await listRemoteFollowers(core, account.id)), move, { orderingKey: actor.href });
  }

  /**
   * A report forwarded to the reported account's server. Mastodon sends it as its instance actor so the
   * reporter stays anonymous; Hearth's instance speaks through its owner, who is the one moderating.
   */
  async function reportForwarded(reportId: string) {
    const report = await loadReport(core, reportId);
    const target = report ? await loadAccount(core, report.target_account_id) : undefined;
    const owner = await loadOwnerAccount(core);
    if (!report || !target || target.domain === null || !owner) return;
    const statusIds = JSON.parse(report.status_ids_json) as string[];
    const statuses = (await Promise.all(statusIds.map((id) => loadStatusParts(core, id)))).filter((parts) => parts !== undefined);
    const flag = new Flag({
      id: new URL(`/reports/${report.id}`, addresses.origin),
      actor: addresses.actorUri(owner.username),
      objects: [accountUri(addresses, target), ...statuses.map((parts) => statusApUri(addresses, parts.status, parts.author))],
      content: report.comment,
    });
    await deliver(owner, remoteRecipients([target]), flag);
  }

  /**
   * Delete(Person) of a deleted local account, as Mastodon's DeleteActorSerializer has it (id <actor>#delete,
   * to Public). Its key still signs: the account row and keys stay while the actor answers 410 Gone.
   */
  async function accountDeleted(accountId: string, recipientAccountIds: readonly string[]) {
    const account = await loadAccount(core, accountId);
    if (!account || account.domain !== null) return;
    const recipients = await Promise.all(recipientAccountIds.map((id) => loadAccount(core, id)));
    const actor = addresses.actorUri(account.username);
    const activity = new Delete({ id: new URL(`${actor.href}#delete`), actor, object: actor, tos: [PUBLIC_COLLECTION] });
    await deliver(account, remoteRecipients(recipients), activity, { orderingKey: actor.href });
  }

  return async function publish(activity: OutboundActivity, recordedAt: Date): Promise<void> {
    switch (activity.type) {
      case "follow.requested":
      case "follow.undone":
      case "follow.accepted":
      case "follow.rejected":
        return followStep(activity.type, activity.follow);
      case "status.created":
        return statusCreated(activity.statusId);
      case "status.updated":
        return statusUpdated(activity.statusId, recordedAt);
      case "status.deleted":
        return statusDeleted(activity.snapshot);
      case "status.reblogged":
        return statusReblogged(activity.statusId);
      case "status.favourited":
        return statusFavourited(activity.favouriteId);
      case "status.unfavourited":
        return statusUnfavourited(activity.accountId, activity.statusId, activity.favouriteUri);
      case "poll.voted":
        return pollVoted(activity.accountId, activity.voteIds);
      case "account.blocked":
        return accountBlocked(activity.blockId);
      case "account.unblocked":
        return accountUnblocked(activity.accountId, activity.targetAccountId, activity.blockUri);
      case "account.updated":
        return accountUpdated(activity.accountId, recordedAt, activity.alsoToAccountIds ?? []);
      case "account.moved":
        return accountMoved(activity.accountId, activity.targetUri, activity.migrationId, recordedAt);
      case "report.forwarded":
        return reportForwarded(activity.reportId);
      case "account.deleted":
        return accountDeleted(activity.accountId, activity.recipientAccountIds);
      default: {
        const unknown: never = activity;
        logger.warn("No activity is built for {activity}", { activity: unknown });
      }
    }
  };
}
