import { compiledQuery } from "../../db/compiled-queries.ts";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { AccountRow, StatusRow } from "../rows.ts";
import { accountRowById } from "../accounts/accounts.ts";
import { statusRowById } from "./status-store.ts";

type Db = Kysely<DatabaseSchema>;

/** A status with what its fan-out reads about it: author, the boosted original, mentions and tags. */
export interface FanOutSubject {
  status: StatusRow;
  author: AccountRow;
  /** For a boost: the boosted status and its author. */
  original: { status: StatusRow; author: AccountRow } | null;
  mentioned: AccountRow[];
  /** The mentioned accounts a mention notifies: not the silent ones (a reply's inherited addressees). */
  loudMentionIds: Set<string>;
  tagIds: string[];
}

// Compiled once: read for every status stored, local or arrived (issue #19); the status and its author by id are
// status-store.ts's and accounts.ts's.
const mentionedBy = compiledQuery((db, { statusId }: { statusId: string }) =>
  db
    .selectFrom("mentions")
    .innerJoin("accounts", "accounts.id", "mentions.account_id")
    .selectAll("accounts")
    .select("mentions.silent as mention_silent")
    .where("mentions.status_id", "=", statusId),
);
const tagIdsOf = compiledQuery((db, { statusId }: { statusId: string }) => db.selectFrom("status_tags").select("tag_id").where("status_id", "=", statusId));

/**
 * `stored` is the status and author its writer has just written and read in this same transaction, so they are
 * not read again (issue #19).
 */
export async function loadFanOutSubject(trx: Db, statusId: string, stored?: { status: StatusRow; author: AccountRow }): Promise<FanOutSubject | undefined> {
  const status = stored?.status ?? (await statusRowById(trx, statusId));
  if (!status) return undefined;
  const author = stored?.author ?? (await accountRowById(trx, status.account_id));
  if (!author) throw new Error(`The author of status ${status.id} is missing.`);
  let original: FanOutSubject["original"] = null;
  if (status.reblog_of_id) {
    const boosted = await statusRowById(trx, status.reblog_of_id);
    if (boosted) {
      const boostedAuthor = await accountRowById(trx, boosted.account_id);
      if (!boostedAuthor) throw new Error(`The author of status ${boosted.id} is missing.`);
      original = { status: boosted, author: boostedAuthor };
    }
  }
  const mentioned: AccountRow[] = [];
  const loudMentionIds = new Set<string>();
  for (const { mention_silent: silent, ...account } of await mentionedBy(trx, { statusId: status.id })) {
    mentioned.push(account);
    if (silent === 0) loudMentionIds.add(account.id);
  }
  const tags = await tagIdsOf(trx, { statusId: status.id });
  return { status, author, original, mentioned, loudMentionIds, tagIds: tags.map((row) => row.tag_id) };
}
