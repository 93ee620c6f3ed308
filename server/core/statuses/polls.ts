import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import { Invalid, NotFound } from "../errors.ts";
import { statusRowById } from "./status-store.ts";
import type { CoreContext } from "../context.ts";
import { notify } from "../notifications/notifications.ts";
import { canViewStatus } from "../visibility/status-visibility.ts";
import type { PollRow, PollVoteRow } from "../rows.ts";
import { write } from "../write.ts";
import { requireNotMoved } from "../accounts/moves.ts";

/**
 * Polls: votes (a local account's on any poll, a peer's on ours), their tallies, and their ending. Local
 * polls are counted from poll_votes; remote ones show the tallies their server last sent, plus our own
 * votes counted in as we cast them (Mastodon does the same until the next Update arrives).
 */

type Db = Kysely<DatabaseSchema>;

export interface PollTally {
  /** Votes per option, in option order. */
  votes: number[];
  votersCount: number;
}

export function pollOptions(poll: PollRow): string[] {
  return JSON.parse(poll.options_json) as string[];
}

export async function getPoll(ctx: CoreContext, id: string): Promise<PollRow | undefined> {
  return ctx.db.selectFrom("polls").selectAll().where("id", "=", id).executeTakeFirst();
}

export function isPollExpired(poll: PollRow, now: Date): boolean {
  return poll.closed_at !== null || (poll.expires_at !== null && poll.expires_at <= now.toISOString());
}

/** Tallies of many polls at once (a timeline's worth in two queries). */
export async function loadPollTallies(db: Db, polls: readonly PollRow[]): Promise<Map<string, PollTally>> {
  const tallies = new Map<string, PollTally>();
  const localIds: string[] = [];
  for (const poll of polls) {
    const size = pollOptions(poll).length;
    if (poll.cached_tallies_json !== null) {
      const cached = JSON.parse(poll.cached_tallies_json) as number[];
      tallies.set(poll.id, { votes: Array.from({ length: size }, (_, index) => cached[index] ?? 0), votersCount: poll.voters_count ?? 0 });
    } else {
      tallies.set(poll.id, { votes: Array.from({ length: size }, () => 0), votersCount: 0 });
      localIds.push(poll.id);
    }
  }
  if (localIds.length === 0) return tallies;
  const counts = await db
    .selectFrom("poll_votes")
    .select(["poll_id", "choice", (eb) => eb.fn.countAll<number>().as("count")])
    .where("poll_id", "in", localIds)
    .groupBy(["poll_id", "choice"])
    .execute();
  for (const row of counts) {
    const tally = tallies.get(row.poll_id);
    if (tally && row.choice >= 0 && row.choice < tally.votes.length) tally.votes[row.choice] = Number(row.count);
  }
  const voters = await db
    .selectFrom("poll_votes")
    .select(["poll_id", (eb) => eb.fn.count<number>("account_id").distinct().as("count")])
    .where("poll_id", "in", localIds)
    .groupBy("poll_id")
    .execute();
  for (const row of voters) {
    const tally = tallies.get(row.poll_id);
    if (tally) tally.votersCount = Number(row.count);
  }
  return tallies;
}

/** Which choices a vote may have, as Mastodon's VoteValidator checks them; a sentence for each refusal. */
export function validateChoices(poll: PollRow, choices: readonly number[], alreadyVoted: boolean): void {
  const size = pollOptions(poll).length;
  if (alreadyVoted) throw new Invalid("You have already voted on this poll.");
  if (choices.length === 0) throw new Invalid("Choose at least one option to vote.");
  if (new Set(choices).size !== choices.length) throw new Invalid("The same option was chosen twice.");
  if (poll.multiple === 0 && choices.length > 1) throw new Invalid("This poll allows one choice only.");
  for (const choice of choices) {
    if (!Number.isInteger(choice) || choice < 0 || choice >= size) {
      throw new Invalid(`There is no option ${choice} in this poll; choose from 0 to ${size - 1}.`);
    }
  }
}

export interface VoteOptions {
  origin: string;
}

/**
 * A local account votes. Refused when the poll has ended, is the voter's own, or the choices do not fit.
 * Peers hear of it: the remote poll's author gets the votes; a local poll's new tallies go out as an Update.
 */
export async function voteOnPoll(ctx: CoreContext, accountId: string, pollId: string, choices: readonly number[], options: VoteOptions): Promise<PollRow> {
  await requireNotMoved(ctx.db, accountId);
  return write(ctx, async (trx, after) => {
    const poll = await trx.selectFrom("polls").selectAll().where("id", "=", pollId).executeTakeFirst();
    const status = poll ? await statusRowById(trx, poll.status_id) : undefined;
    if (!poll || !status || !(await canViewStatus(trx, status, accountId))) throw new NotFound(`There is no poll ${pollId}.`);
    const voter = await trx.selectFrom("accounts").select(["username", "domain"]).where("id", "=", accountId).executeTakeFirstOrThrow();
    if (isPollExpired(poll, ctx.clock.now())) throw new Invalid("This poll has already ended.");
    if (status.account_id === accountId) throw new Invalid("You cannot vote on your own poll.");
    const earlier = await trx.selectFrom("poll_votes").select("id").where("poll_id", "=", poll.id).where("account_id", "=", accountId).executeTakeFirst();
    validateChoices(poll, choices, earlier !== undefined);
    const now = ctx.clock.now().toISOString();
    const voteIds: string[] = [];
    for (const choice of choices) {
      const id = ctx.ids.next();
      voteIds.push(id);
      await trx
        .insertInto("poll_votes")
        .values({ id, poll_id: poll.id, account_id: accountId, choice, uri: `${options.origin}/users/${voter.username}#votes/${id}`, created_at: now })
        .execute();
    }
    let updated = poll;
    if (poll.cached_tallies_json !== null) {
      const tallies = JSON.parse(poll.cached_tallies_json) as number[];
      for (const choice of choices) tallies[choice] = (tallies[choice] ?? 0) + 1;
      updated = await trx
        .updateTable("polls")
        .set({ cached_tallies_json: JSON.stringify(tallies), voters_count: (poll.voters_count ?? 0) + 1, updated_at: now })
        .where("id", "=", poll.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    if (status.local === 1) after.publish({ type: "status.updated", statusId: status.id });
    else after.publish({ type: "poll.voted", pollId: updated.id, accountId, voteIds });
    return updated;
  });
}

export interface RemoteVote {
  /** The remote voter, already stored. */
  accountId: string;
  pollId: string;
  /** The option's index (federation matches the Note's name to the option titles). */
  choice: number;
  /** The vote Note's id, so a redelivered vote counts once. */
  uri: string;
}

/**
 * A peer's vote on one of our polls, whose new tallies then go out as an Update. Ignored (undefined) when the
 * poll has ended, the choice is not an option, the vote was counted already, or a single-choice poll already
 * has this voter's vote.
 */
export async function recordRemoteVote(ctx: CoreContext, vote: RemoteVote): Promise<PollVoteRow | undefined> {
  return write(ctx, async (trx, after) => {
    const poll = await trx.selectFrom("polls").selectAll().where("id", "=", vote.pollId).executeTakeFirst();
    if (!poll || isPollExpired(poll, ctx.clock.now())) return undefined;
    if (!Number.isInteger(vote.choice) || vote.choice < 0 || vote.choice >= pollOptions(poll).length) return undefined;
    const earlier = await trx.selectFrom("poll_votes").select(["choice", "uri"]).where("poll_id", "=", poll.id).where("account_id", "=", vote.accountId).execute();
    if (earlier.some((row) => row.uri === vote.uri || row.choice === vote.choice)) return undefined;
    if (poll.multiple === 0 && earlier.length > 0) return undefined;
    const row = await trx
      .insertInto("poll_votes")
      .values({ id: ctx.ids.next(), poll_id: poll.id, account_id: vote.accountId, choice: vote.choice, uri: vote.uri, created_at: ctx.clock.now().toISOString() })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    // The poll's new tallies go out to its audience as an Update.
    if (row) after.publish({ type: "status.updated", statusId: poll.status_id });
    return row;
  });
}

/** A local account's choices on a poll, for `own_votes`. */
export async function loadOwnVotes(db: Db, accountId: string, pollIds: readonly string[]): Promise<Map<string, number[]>> {
  const votes = new Map<string, number[]>();
  if (pollIds.length === 0) return votes;
  const rows = await db.selectFrom("poll_votes").select(["poll_id", "choice"]).where("account_id", "=", accountId).where("poll_id", "in", pollIds).orderBy("choice").execute();
  for (const row of rows) votes.set(row.poll_id, [...(votes.get(row.poll_id) ?? []), row.choice]);
  return votes;
}

/**
 * Ends the polls whose time has come: each is marked closed, and its local author and local voters are
 * notified ("poll"). Local polls' final tallies go out to peers. Returns the polls closed.
 */
export async function closeExpiredPolls(ctx: CoreContext): Promise<PollRow[]> {
  const now = ctx.clock.now().toISOString();
  return write(ctx, async (trx, after) => {
    const due = await trx.selectFrom("polls").selectAll().where("closed_at", "is", null).where("expires_at", "<=", now).execute();
    const closed: PollRow[] = [];
    for (const poll of due) {
      const updated = await trx.updateTable("polls").set({ closed_at: poll.expires_at ?? now, updated_at: now }).where("id", "=", poll.id).returningAll().executeTakeFirstOrThrow();
      const status = await trx
        .selectFrom("statuses")
        .innerJoin("accounts", "accounts.id", "statuses.account_id")
        .select(["statuses.id", "statuses.account_id", "statuses.local", "accounts.domain"])
        .where("statuses.id", "=", poll.status_id)
        .executeTakeFirstOrThrow();
      const voters = await trx
        .selectFrom("poll_votes")
        .innerJoin("accounts", "accounts.id", "poll_votes.account_id")
        .select("poll_votes.account_id")
        .distinct()
        .where("poll_votes.poll_id", "=", poll.id)
        .where("accounts.domain", "is", null)
        .execute();
      const recipients = [...(status.domain === null ? [status.account_id] : []), ...voters.map((row) => row.account_id)];
      for (const recipient of new Set(recipients)) {
        await notify(ctx, trx, after, { accountId: recipient, type: "poll", fromAccountId: status.account_id, statusId: status.id });
      }
      if (status.local === 1) after.publish({ type: "status.updated", statusId: poll.status_id });
      closed.push(updated);
    }
    return closed;
  });
}
