import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { AccountRow, StatusRow } from "../rows.ts";

type Db = Kysely<DatabaseSchema>;

/** A status with what its fan-out reads about it: author, the boosted original, mentions and tags. */
export interface FanOutSubject {
  status: StatusRow;
  author: AccountRow;
  /** For a boost: the boosted status and its author. */
  original: { status: StatusRow; author: AccountRow } | null;
  mentioned: AccountRow[];
  tagIds: string[];
}

export async function loadFanOutSubject(trx: Db, statusId: string): Promise<FanOutSubject | undefined> {
  const status = await trx.selectFrom("statuses").selectAll().where("id", "=", statusId).executeTakeFirst();
  if (!status) return undefined;
  const author = await trx.selectFrom("accounts").selectAll().where("id", "=", status.account_id).executeTakeFirstOrThrow();
  let original: FanOutSubject["original"] = null;
  if (status.reblog_of_id) {
    const boosted = await trx.selectFrom("statuses").selectAll().where("id", "=", status.reblog_of_id).executeTakeFirst();
    if (boosted) {
      const boostedAuthor = await trx.selectFrom("accounts").selectAll().where("id", "=", boosted.account_id).executeTakeFirstOrThrow();
      original = { status: boosted, author: boostedAuthor };
    }
  }
  const mentioned = await trx
    .selectFrom("mentions")
    .innerJoin("accounts", "accounts.id", "mentions.account_id")
    .selectAll("accounts")
    .where("mentions.status_id", "=", status.id)
    .execute();
  const tags = await trx.selectFrom("status_tags").select("tag_id").where("status_id", "=", status.id).execute();
  return { status, author, original, mentioned, tagIds: tags.map((row) => row.tag_id) };
}
