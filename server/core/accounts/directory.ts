import { sql } from "kysely";
import type { CoreContext } from "../context.ts";
import type { AccountRow } from "../rows.ts";

/**
 * The profile directory (GET /api/v1/directory): accounts that chose to be discoverable, local and known
 * remote ones, most recently active or newest first. Accounts the viewer blocks, or that block it, are not
 * listed.
 */
export interface DirectoryQuery {
  order: "active" | "new";
  localOnly: boolean;
  limit: number;
  offset: number;
  viewerId: string | null;
}

export async function listDirectory(ctx: CoreContext, query: DirectoryQuery): Promise<AccountRow[]> {
  let builder = ctx.db.selectFrom("accounts").selectAll().where("is_discoverable", "=", 1).where("username", "not like", "%~%");
  if (query.localOnly) builder = builder.where("domain", "is", null);
  const viewerId = query.viewerId;
  if (viewerId !== null) {
    builder = builder
      .where("id", "not in", (eb) => eb.selectFrom("blocks").select("target_account_id").where("account_id", "=", viewerId))
      .where("id", "not in", (eb) => eb.selectFrom("blocks").select("account_id").where("target_account_id", "=", viewerId));
  }
  // Status ids sort by time, so the newest status id says when an account was last active (indexed per account).
  const ordered =
    query.order === "new"
      ? builder.orderBy("created_at", "desc")
      : builder.orderBy(sql`(select max(statuses.id) from statuses where statuses.account_id = accounts.id)`, sql`desc nulls last`);
  return ordered.orderBy("id", "desc").limit(query.limit).offset(query.offset).execute();
}
