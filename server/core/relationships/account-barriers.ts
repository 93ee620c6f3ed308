import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";

/**
 * What stands between two accounts: blocks (either way) and a local account's block of a whole domain.
 * Read-only questions, asked by follows, lists, reports and relationships before they act.
 */

type Db = Kysely<DatabaseSchema>;

/** Whether either account blocks the other. */
export async function isBlockedEitherWay(db: Db, accountId: string, otherAccountId: string): Promise<boolean> {
  const row = await db
    .selectFrom("blocks")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("account_id", "=", accountId), eb("target_account_id", "=", otherAccountId)]),
        eb.and([eb("account_id", "=", otherAccountId), eb("target_account_id", "=", accountId)]),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether a local account has blocked the domain another account lives on. */
export async function isDomainBlockedBy(db: Db, accountId: string, domain: string | null): Promise<boolean> {
  if (domain === null) return false;
  const row = await db
    .selectFrom("account_domain_blocks")
    .select("id")
    .where("account_id", "=", accountId)
    .where("domain", "=", domain.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}
