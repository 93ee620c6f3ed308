import { sql, type Kysely } from "kysely";

/**
 * Part of 0006: the numbers a profile shows, kept beside the account rather than counted on every read
 * (Mastodon's account_stats). Counting a page's authors' statuses walks an index entry per status, so a
 * timeline page cost grew with the database; now it is one primary-key lookup per author.
 *
 * Triggers keep the table exact inside the transaction that changes statuses or follows, whoever writes
 * (core, federation, a cascade from a deleted account): no code path can forget to update it. The rules are
 * the ones the counts had before: statuses but direct ones (boosts included), the newest such status's id,
 * accepted follows both ways, and pending requests received.
 *
 * Decrements are UPDATEs, never upserts: a cascade that deletes an account's statuses may run after its
 * stats row is gone, and must not bring it back.
 */

// Recounts an account's statuses and newest status, for the rare change that cannot be a +1 or -1.
const recountStatuses = (account: string) => `
    INSERT INTO account_stats (account_id, statuses_count, last_status_id)
      SELECT ${account}, count(*), max(id) FROM statuses WHERE account_id = ${account} AND visibility != 'direct'
      ON CONFLICT (account_id) DO UPDATE SET statuses_count = excluded.statuses_count, last_status_id = excluded.last_status_id;`;

// +1 (or -1) to one follow count of an account, when the follow row is in the given state.
const addFollow = (column: string, account: string, row: "NEW" | "OLD", state: string) => `
    INSERT INTO account_stats (account_id, ${column}) SELECT ${row}.${account}, 1 WHERE ${row}.state = '${state}'
      ON CONFLICT (account_id) DO UPDATE SET ${column} = ${column} + 1;`;
const removeFollow = (column: string, account: string, row: "NEW" | "OLD", state: string) => `
    UPDATE account_stats SET ${column} = ${column} - 1 WHERE account_id = ${row}.${account} AND ${row}.state = '${state}';`;

const followCounts = [
  ["followers_count", "target_account_id", "accepted"],
  ["following_count", "account_id", "accepted"],
  ["follow_requests_count", "target_account_id", "pending"],
] as const;

export async function createAccountStats(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("account_stats")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id").onDelete("cascade"))
    .addColumn("statuses_count", "integer", (c) => c.notNull().defaultTo(0))
    // The newest non-direct status (ids are time-sortable): last_status_at is the day it was written.
    .addColumn("last_status_id", "text")
    .addColumn("followers_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("following_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("follow_requests_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  const triggers = [
    `CREATE TRIGGER account_stats_status_inserted AFTER INSERT ON statuses WHEN NEW.visibility != 'direct' BEGIN
    INSERT INTO account_stats (account_id, statuses_count, last_status_id) VALUES (NEW.account_id, 1, NEW.id)
      ON CONFLICT (account_id) DO UPDATE SET statuses_count = statuses_count + 1,
        last_status_id = CASE WHEN last_status_id IS NULL OR last_status_id < excluded.last_status_id THEN excluded.last_status_id ELSE last_status_id END;
  END`,
    `CREATE TRIGGER account_stats_status_deleted AFTER DELETE ON statuses WHEN OLD.visibility != 'direct' BEGIN
    UPDATE account_stats SET statuses_count = statuses_count - 1,
        last_status_id = CASE WHEN last_status_id = OLD.id
          THEN (SELECT max(id) FROM statuses WHERE account_id = OLD.account_id AND visibility != 'direct') ELSE last_status_id END
      WHERE account_id = OLD.account_id;
  END`,
    // A status never changes author or visibility today; if one ever does, both accounts are recounted.
    `CREATE TRIGGER account_stats_status_moved AFTER UPDATE OF account_id, visibility ON statuses
      WHEN OLD.account_id IS NOT NEW.account_id OR OLD.visibility IS NOT NEW.visibility BEGIN
    ${recountStatuses("OLD.account_id")}
    ${recountStatuses("NEW.account_id")}
  END`,
    `CREATE TRIGGER account_stats_follow_inserted AFTER INSERT ON follows BEGIN
    ${followCounts.map(([column, account, state]) => addFollow(column, account, "NEW", state)).join("")}
  END`,
    `CREATE TRIGGER account_stats_follow_deleted AFTER DELETE ON follows BEGIN
    ${followCounts.map(([column, account, state]) => removeFollow(column, account, "OLD", state)).join("")}
  END`,
    // Accepting a request moves it from pending to accepted: the old row's counts go, the new row's come.
    `CREATE TRIGGER account_stats_follow_updated AFTER UPDATE OF state, account_id, target_account_id ON follows
      WHEN OLD.state IS NOT NEW.state OR OLD.account_id IS NOT NEW.account_id OR OLD.target_account_id IS NOT NEW.target_account_id BEGIN
    ${followCounts.map(([column, account, state]) => removeFollow(column, account, "OLD", state)).join("")}
    ${followCounts.map(([column, account, state]) => addFollow(column, account, "NEW", state)).join("")}
  END`,
  ];
  for (const trigger of triggers) await sql.raw(trigger).execute(db);

  // Follows (since 0004) that existed before the table did.
  await sql`
    INSERT INTO account_stats (account_id, statuses_count, last_status_id, followers_count, following_count, follow_requests_count)
    SELECT accounts.id,
      (SELECT count(*) FROM statuses WHERE statuses.account_id = accounts.id AND statuses.visibility != 'direct'),
      (SELECT max(id) FROM statuses WHERE statuses.account_id = accounts.id AND statuses.visibility != 'direct'),
      (SELECT count(*) FROM follows WHERE follows.target_account_id = accounts.id AND follows.state = 'accepted'),
      (SELECT count(*) FROM follows WHERE follows.account_id = accounts.id AND follows.state = 'accepted'),
      (SELECT count(*) FROM follows WHERE follows.target_account_id = accounts.id AND follows.state = 'pending')
    FROM accounts
    WHERE EXISTS (SELECT 1 FROM statuses WHERE statuses.account_id = accounts.id)
      OR EXISTS (SELECT 1 FROM follows WHERE follows.account_id = accounts.id OR follows.target_account_id = accounts.id)`.execute(db);
}
