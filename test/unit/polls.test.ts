import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeExpiredPolls, loadPollTallies, recordRemoteVote, validateChoices, voteOnPoll } from "../../server/core/statuses/polls.ts";
import { insertStatus } from "../../server/core/statuses/status-store.ts";
import { editStatus, postStatus } from "../../server/core/statuses/statuses.ts";
import { validatePoll } from "../../server/core/statuses/status-validation.ts";
import { insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import type { AccountRow, PollRow } from "../../server/core/rows.ts";

const ORIGIN = "https://hearth.example";

function message(run: () => unknown): string {
  try {
    run();
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

async function asyncMessage(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "",
    (error: Error) => error.message,
  );
}

describe("poll validation", () => {
  it("refuses polls that Mastodon refuses, each with its reason", () => {
    const poll = { options: ["a", "b"], expiresIn: 3600 };
    expect(message(() => validatePoll(poll))).toBe("");
    expect(message(() => validatePoll({ ...poll, options: ["a"] }))).toBe("A poll needs at least 2 options.");
    expect(message(() => validatePoll({ ...poll, options: ["a", "b", "c", "d", "e"] }))).toBe("A poll can have at most 4 options.");
    expect(message(() => validatePoll({ ...poll, options: ["a", " "] }))).toBe("A poll option cannot be blank.");
    expect(message(() => validatePoll({ ...poll, options: ["a", "x".repeat(51)] }))).toMatch(/^The poll option "x+" is too long: use at most 50 characters\.$/);
    expect(message(() => validatePoll({ ...poll, options: ["same", "same"] }))).toBe("A poll cannot have the same option twice.");
    expect(message(() => validatePoll({ ...poll, expiresIn: 299 }))).toBe("A poll must run for at least 5 minutes.");
    expect(message(() => validatePoll({ ...poll, expiresIn: 2_629_747 }))).toBe("A poll can run for at most a month.");
  });

  it("refuses choices that do not fit the poll", () => {
    const poll = { options_json: '["a","b","c"]', multiple: 0 } as PollRow;
    expect(message(() => validateChoices(poll, [2], false))).toBe("");
    expect(message(() => validateChoices(poll, [], false))).toBe("Choose at least one option to vote.");
    expect(message(() => validateChoices(poll, [0, 1], false))).toBe("This poll allows one choice only.");
    expect(message(() => validateChoices(poll, [3], false))).toBe("There is no option 3 in this poll; choose from 0 to 2.");
    expect(message(() => validateChoices(poll, [-1], false))).toBe("There is no option -1 in this poll; choose from 0 to 2.");
    expect(message(() => validateChoices(poll, [0], true))).toBe("You have already voted on this poll.");
    expect(message(() => validateChoices({ ...poll, multiple: 1 }, [0, 0], false))).toBe("The same option was chosen twice.");
    expect(message(() => validateChoices({ ...poll, multiple: 1 }, [0, 2], false))).toBe("");
  });
});

describe("votes and tallies", () => {
  let db: CoreDatabase;
  let author: AccountRow;
  let voter: AccountRow;
  let remoteVoter: AccountRow;

  beforeAll(async () => {
    db = await openCoreDatabase("polls");
    author = await insertTestAccount(db.core, "author");
    voter = await insertTestAccount(db.core, "voter");
    remoteVoter = await insertTestAccount(db.core, "far", "far.example");
  });
  afterAll(() => db?.close());

  const pollOf = async (statusId: string) => db.core.db.selectFrom("polls").selectAll().where("status_id", "=", statusId).executeTakeFirstOrThrow();

  it("counts local votes and a peer's votes on a local poll, each vote once", async () => {
    const status = await postStatus(db.core, { accountId: author.id, text: "?", poll: { options: ["a", "b"], expiresIn: 600, multiple: true } }, { origin: ORIGIN });
    const poll = await pollOf(status.id);
    await voteOnPoll(db.core, voter.id, poll.id, [0, 1], { origin: ORIGIN });
    const vote = { accountId: remoteVoter.id, pollId: poll.id, choice: 1, uri: "https://far.example/votes/1" };
    expect(await recordRemoteVote(db.core, vote)).toBeDefined();
    expect(await recordRemoteVote(db.core, vote)).toBeUndefined();
    expect(await recordRemoteVote(db.core, { ...vote, choice: 7, uri: "https://far.example/votes/2" })).toBeUndefined();
    const tally = (await loadPollTallies(db.core.db, [poll])).get(poll.id);
    expect(tally).toEqual({ votes: [1, 2], votersCount: 2 });
    // A local poll's new tallies go to peers as an Update.
    expect(db.published.at(-1)).toEqual({ type: "status.updated", statusId: status.id });
  });

  it("an edit keeps the same poll running with its votes, and starts a changed one again", async () => {
    const status = await postStatus(db.core, { accountId: author.id, text: "Lunch?", poll: { options: ["soup", "salad"], expiresIn: 3600, multiple: false } }, { origin: ORIGIN });
    const poll = await pollOf(status.id);
    await voteOnPoll(db.core, voter.id, poll.id, [0], { origin: ORIGIN });
    const votes = async () => (await loadPollTallies(db.core.db, [await pollOf(status.id)])).get(poll.id);
    const edit = (options: string[], multiple: boolean, expiresIn: number) =>
      editStatus(db.core, { accountId: author.id, statusId: status.id, text: "Lunch today?", poll: { options, expiresIn, multiple } }, { origin: ORIGIN });

    db.clock.advance(60_000);
    await edit(["soup", "salad"], false, 86_400);
    expect(await votes()).toEqual({ votes: [1, 0], votersCount: 1 });
    expect((await pollOf(status.id)).expires_at).toBe(poll.expires_at);

    await edit(["soup", "salad"], true, 86_400);
    expect(await votes()).toEqual({ votes: [0, 0], votersCount: 0 });
    expect((await pollOf(status.id)).expires_at).toBe(new Date(db.clock.now().getTime() + 86_400_000).toISOString());

    await voteOnPoll(db.core, voter.id, poll.id, [0, 1], { origin: ORIGIN });
    await edit(["soup", "salad", "bread"], true, 86_400);
    expect(await votes()).toEqual({ votes: [0, 0, 0], votersCount: 0 });
  });

  it("adds our vote to a remote poll's last known tallies and sends it to the poll's server", async () => {
    const status = await db.core.db.transaction().execute((trx) =>
      insertStatus(db.core, trx, {
        accountId: remoteVoter.id,
        local: false,
        uri: "https://far.example/questions/1",
        visibility: "public",
        content: "<p>?</p>",
        createdAt: db.clock.now().toISOString(),
        poll: { options: ["x", "y"], multiple: false, hideTotals: false, expiresAt: new Date(db.clock.now().getTime() + 60_000).toISOString(), tallies: [4, 5], votersCount: 9 },
      }),
    );
    const poll = await pollOf(status.id);
    const updated = await voteOnPoll(db.core, voter.id, poll.id, [0], { origin: ORIGIN });
    expect((await loadPollTallies(db.core.db, [updated])).get(poll.id)).toEqual({ votes: [5, 5], votersCount: 10 });
    expect(db.published.at(-1)).toMatchObject({ type: "poll.voted", pollId: poll.id, accountId: voter.id });

    // Once it has ended, no more votes; local voters hear that it ended.
    db.clock.advance(61_000);
    expect(await asyncMessage(voteOnPoll(db.core, author.id, poll.id, [1], { origin: ORIGIN }))).toBe("This poll has already ended.");
    const closed = await closeExpiredPolls(db.core);
    expect(closed.map((row) => row.id)).toContain(poll.id);
    const notified = await db.core.db.selectFrom("notifications").select(["account_id", "type"]).where("status_id", "=", status.id).execute();
    expect(notified).toEqual([{ account_id: voter.id, type: "poll" }]);
    // Closing again finds nothing left to close.
    expect(await closeExpiredPolls(db.core)).toEqual([]);
  });
});
