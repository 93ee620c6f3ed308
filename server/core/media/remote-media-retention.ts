import type { CoreContext } from "../context.ts";
import type { AccountRow, MediaAttachmentRow } from "../rows.ts";
import { write } from "../write.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";

/**
 * Which remote media the archive keeps a copy of, and for how long. Remote media that reached the owner (their
 * home feed, their notifications) is fetched ahead, so it is there offline; the copies of what no local account
 * ever touched go after a while (they are fetched again on demand); what a local account did touch is theirs
 * and is kept forever.
 */

/** How long a cached copy of remote media no local account interacted with is kept. */
export const REMOTE_MEDIA_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const PRUNE_BATCH = 500;

export interface RemoteMediaToFetch {
  /** Remote attachments of the status (or of the status it boosts) with no copy here yet. */
  media: Pick<MediaAttachmentRow, "id" | "remote_url">[];
  /** The remote accounts whose faces come with it: the author, the booster, the notifier. */
  accounts: AccountRow[];
}

// Compiled once (db/compiled-queries.ts): asked after every status that enters a home feed (issue #19).
const statusPlace = compiledQuery((db, { id }: { id: string }) => db.selectFrom("statuses").select(["id", "account_id", "reblog_of_id"]).where("id", "=", id));
const mediaWithoutCopy = compiledQuery((db, { statusIds }: { statusIds: readonly string[] }) =>
  db
    .selectFrom("media_attachments")
    .select(["id", "remote_url"])
    .where("status_id", "in", statusIds)
    .where("remote_url", "is not", null)
    .where("file", "is", null)
    .orderBy("position"),
);
const remoteAccountsOf = compiledQuery((db, { ids }: { ids: readonly string[] }) => db.selectFrom("accounts").selectAll().where("id", "in", ids).where("domain", "is not", null));

/** What to fetch ahead for a status that entered a home feed, or a notification's status and sender. */
export async function remoteMediaToFetch(ctx: CoreContext, subject: { statusId?: string | null; accountIds?: readonly string[] }): Promise<RemoteMediaToFetch> {
  const statusIds: string[] = [];
  const accountIds = new Set(subject.accountIds ?? []);
  if (subject.statusId) {
    const [status] = await statusPlace(ctx.db, { id: subject.statusId });
    if (status) {
      statusIds.push(status.id);
      accountIds.add(status.account_id);
      if (status.reblog_of_id) {
        const [boosted] = await statusPlace(ctx.db, { id: status.reblog_of_id });
        if (boosted) {
          statusIds.push(boosted.id);
          accountIds.add(boosted.account_id);
        }
      }
    }
  }
  const media =
    statusIds.length === 0
      ? []
      : await mediaWithoutCopy(ctx.db, { statusIds });
  const accounts =
    accountIds.size === 0
      ? []
      : await remoteAccountsOf(ctx.db, { ids: [...accountIds] });
  return { media, accounts };
}

/** A notification's status and sender, for fetching their media ahead. */
export async function notificationSubject(ctx: CoreContext, notificationId: string): Promise<{ statusId: string | null; accountIds: string[] } | undefined> {
  const row = await ctx.db.selectFrom("notifications").select(["status_id", "from_account_id"]).where("id", "=", notificationId).executeTakeFirst();
  return row && { statusId: row.status_id, accountIds: [row.from_account_id] };
}

/**
 * Forgets the copies of remote media that arrived before the cutoff on statuses no local account interacted
 * with: no favourite, reaction, bookmark, pin, boost or reply of theirs, and not addressed to them (a
 * mention). The rows stay, pointing at the peer, so the media is fetched again when someone looks. Returns the
 * rows as they were, for the media layer to remove their files.
 */
export async function forgetUntouchedRemoteMediaCopies(ctx: CoreContext, cutoff: string): Promise<MediaAttachmentRow[]> {
  return write(ctx, async (trx) => {
    const localAccountIds = trx.selectFrom("accounts").select("id").where("domain", "is", null);
    const rows = await trx
      .selectFrom("media_attachments as m")
      .selectAll("m")
      .where("m.remote_url", "is not", null)
      .where((eb) => eb.or([eb("m.file", "is not", null), eb("m.thumbnail_file", "is not", null)]))
      .where("m.created_at", "<", cutoff)
      .where("m.status_id", "is not", null)
      // A pass at a time: a long first pass would hold the database from everything else.
      .limit(PRUNE_BATCH)
      .where(({ not, exists, selectFrom, or }) =>
        not(
          or([
            exists(selectFrom("favourites as f").select("f.id").whereRef("f.status_id", "=", "m.status_id").where("f.account_id", "in", localAccountIds)),
            exists(selectFrom("reactions as r").select("r.id").whereRef("r.status_id", "=", "m.status_id").where("r.account_id", "in", localAccountIds)),
            exists(selectFrom("bookmarks as b").select("b.id").whereRef("b.status_id", "=", "m.status_id").where("b.account_id", "in", localAccountIds)),
            exists(selectFrom("status_pins as p").select("p.id").whereRef("p.status_id", "=", "m.status_id").where("p.account_id", "in", localAccountIds)),
            exists(selectFrom("mentions as n").select("n.status_id").whereRef("n.status_id", "=", "m.status_id").where("n.account_id", "in", localAccountIds)),
            exists(
              selectFrom("statuses as s")
                .select("s.id")
                .where((inner) => inner.or([inner("s.reblog_of_id", "=", inner.ref("m.status_id")), inner("s.in_reply_to_id", "=", inner.ref("m.status_id"))]))
                .where("s.account_id", "in", localAccountIds),
            ),
            exists(selectFrom("statuses as own").select("own.id").whereRef("own.id", "=", "m.status_id").where("own.account_id", "in", localAccountIds)),
          ]),
        ),
      )
      .execute();
    if (rows.length === 0) return [];
    const now = ctx.clock.now().toISOString();
    for (const row of rows) {
      // Only the copy we saw goes: a row fetched again meanwhile keeps its new copy.
      await trx
        .updateTable("media_attachments")
        .set({ file: null, thumbnail_file: null, updated_at: now })
        .where("id", "=", row.id)
        .where("file", "is", row.file)
        .execute();
    }
    return rows;
  });
}
