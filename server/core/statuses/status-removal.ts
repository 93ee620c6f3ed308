import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.ts";
import type { DeletedStatusSnapshot } from "../ports.ts";
import type { StatusRow } from "../rows.ts";
import { deleteStatusSearchRow, statusRowById } from "./status-store.ts";

/** Removal of a status and every boost of it, with what the streams and the peers must hear once it is gone. */

type Db = Kysely<DatabaseSchema>;

export interface RemovedStatus {
  snapshot: DeletedStatusSnapshot;
  /** The row as it was, for delete-and-redraft. */
  status: StatusRow;
  local: boolean;
  /** Local accounts whose home feed had it (the streams remove it there). */
  homeAccountIds: string[];
  /** Boosts of it, removed with it. */
  boosts: RemovedStatus[];
}

async function removeOne(trx: Db, status: StatusRow): Promise<Omit<RemovedStatus, "boosts">> {
  const mentions = await trx.selectFrom("mentions").select("account_id").where("status_id", "=", status.id).execute();
  const home = await trx.selectFrom("home_feed").select("account_id").where("status_id", "=", status.id).execute();
  const reblogOf = status.reblog_of_id
    ? await trx.selectFrom("statuses").select("account_id").where("id", "=", status.reblog_of_id).executeTakeFirst()
    : undefined;
  // Local uploads stay (unattached) so a redraft can reuse them; remote rows are let go too, and the hourly media
  // cleanup removes them with their cached copies (server/media/cleanup.ts), which a delete here would strand.
  await trx.updateTable("media_attachments").set({ status_id: null }).where("status_id", "=", status.id).where("remote_url", "is not", null).execute();
  await deleteStatusSearchRow(trx, status.id);
  // A boost's notification names the boosted status, so it would outlive the boost otherwise.
  if (status.reblog_of_id) {
    await trx
      .deleteFrom("notifications")
      .where("type", "=", "reblog")
      .where("from_account_id", "=", status.account_id)
      .where("status_id", "=", status.reblog_of_id)
      .execute();
  }
  await trx.deleteFrom("statuses").where("id", "=", status.id).execute();
  return {
    snapshot: {
      statusId: status.id,
      accountId: status.account_id,
      visibility: status.visibility,
      mentionedAccountIds: mentions.map((row) => row.account_id),
      reblogOfId: status.reblog_of_id,
      reblogOfAccountId: reblogOf?.account_id ?? null,
    },
    status,
    local: status.local === 1,
    homeAccountIds: home.map((row) => row.account_id),
  };
}

/**
 * Deletes a status (or a boost) and its boosts inside the caller's transaction; undefined when there is no
 * such status. Call announceRemovedStatus (core/statuses/status-fan-out.ts) after the commit.
 */
export async function removeStatus(trx: Db, statusId: string): Promise<RemovedStatus | undefined> {
  const status = await statusRowById(trx, statusId);
  if (!status) return undefined;
  const boostRows = await trx.selectFrom("statuses").selectAll().where("reblog_of_id", "=", status.id).execute();
  const boosts: RemovedStatus[] = [];
  for (const boost of boostRows) boosts.push({ ...(await removeOne(trx, boost)), boosts: [] });
  return { ...(await removeOne(trx, status)), boosts };
}

/** A status by its ActivityPub id, for federation (remote statuses only: local ones store no uri). */
