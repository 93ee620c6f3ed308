import { getLogger } from "@logtape/logtape";
import type { Visibility } from "../../db/schema.ts";
import { Forbidden, Invalid } from "../errors.ts";
import { getLocalUser } from "../accounts/accounts.ts";
import type { CoreContext } from "../context.ts";
import { pageQuery, type PageRequest, pageRows } from "../paging.ts";
import { closeExpiredPolls } from "./polls.ts";
import { postStatus, type NewStatusInput, type StatusOptions } from "./statuses.ts";
import { loadAttachableMedia, validateContent } from "./status-validation.ts";
import type { MediaAttachmentRow, ScheduledStatusRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Statuses to be posted later (scheduled_at), and the clock that posts them and ends polls when their
 * time comes. The parameters are kept in Mastodon's ScheduledStatus params shape, which the API shows as is.
 */

const logger = getLogger(["hearth", "scheduler"]);


/** Mastodon's ScheduledStatus `params`. */
export interface ScheduledStatusParams {
  text: string;
  poll: { options: string[]; expires_in: number; multiple: boolean; hide_totals: boolean } | null;
  media_ids: string[] | null;
  sensitive: boolean | null;
  spoiler_text: string | null;
  visibility: Visibility | null;
  in_reply_to_id: string | null;
  language: string | null;
  application_id: string | null;
  scheduled_at: string | null;
  idempotency: string | null;
  with_rate_limit: boolean;
}

// Mastodon's rule: a scheduled status is at least five minutes away, so it is not a post in disguise.
const MIN_LEAD_MS = 5 * 60 * 1000;

export function parseScheduledParams(row: ScheduledStatusRow): ScheduledStatusParams {
  return JSON.parse(row.params_json) as ScheduledStatusParams;
}

function validateScheduledAt(ctx: CoreContext, scheduledAt: string): string {
  const at = new Date(scheduledAt);
  if (Number.isNaN(at.getTime())) throw new Invalid(`"${scheduledAt}" is not a time; use ISO 8601, such as 2030-01-01T12:00:00Z.`);
  if (at.getTime() < ctx.clock.now().getTime() + MIN_LEAD_MS) throw new Invalid("A status can be scheduled at least 5 minutes ahead.");
  return at.toISOString();
}

/** Keeps a status to post at `scheduledAt`, after checking now what would fail later. */
export async function scheduleStatus(ctx: CoreContext, input: NewStatusInput, scheduledAt: string): Promise<ScheduledStatusRow> {
  const user = await getLocalUser(ctx, input.accountId);
  if (!user) throw new Forbidden("Only accounts of this instance can post here.");
  const at = validateScheduledAt(ctx, scheduledAt);
  const text = input.text ?? "";
  const mediaIds = input.mediaIds ?? [];
  validateContent({ text, spoilerText: input.spoilerText ?? "", mediaIds, poll: input.poll ?? null, language: input.language ?? null });
  await loadAttachableMedia(ctx.db, input.accountId, mediaIds, null);
  const params: ScheduledStatusParams = {
    text,
    poll: input.poll
      ? { options: [...input.poll.options], expires_in: input.poll.expiresIn, multiple: input.poll.multiple ?? false, hide_totals: input.poll.hideTotals ?? false }
      : null,
    media_ids: mediaIds.length > 0 ? [...mediaIds] : null,
    sensitive: input.sensitive ?? null,
    spoiler_text: input.spoilerText ?? null,
    visibility: input.visibility ?? null,
    in_reply_to_id: input.inReplyToId ?? null,
    language: input.language ?? null,
    application_id: input.applicationId ?? null,
    scheduled_at: null,
    idempotency: input.idempotencyKey ?? null,
    with_rate_limit: false,
  };
  return write(ctx, async (trx) => {
    const row = await trx
      .insertInto("scheduled_statuses")
      .values({
        id: ctx.ids.next(),
        account_id: input.accountId,
        scheduled_at: at,
        params_json: JSON.stringify(params),
        application_id: input.applicationId ?? null,
        created_at: ctx.clock.now().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // Held for the scheduled status, so the cleanup of unattached uploads leaves them alone until it posts.
    if (mediaIds.length > 0) await trx.updateTable("media_attachments").set({ scheduled_status_id: row.id }).where("id", "in", mediaIds).execute();
    return row;
  });
}

export async function listScheduledStatuses(ctx: CoreContext, accountId: string, page: PageRequest): Promise<ScheduledStatusRow[]> {
  const rows = await pageQuery(ctx.db.selectFrom("scheduled_statuses").selectAll().where("account_id", "=", accountId), "id", page).execute();
  return pageRows(rows, page);
}

export async function getScheduledStatus(ctx: CoreContext, accountId: string, id: string): Promise<ScheduledStatusRow | undefined> {
  return ctx.db.selectFrom("scheduled_statuses").selectAll().where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst();
}

/** Moves a scheduled status to another time; undefined when the account has no such scheduled status. */
export async function rescheduleStatus(ctx: CoreContext, accountId: string, id: string, scheduledAt: string): Promise<ScheduledStatusRow | undefined> {
  const at = validateScheduledAt(ctx, scheduledAt);
  return write(ctx, (trx) =>
    trx
      .updateTable("scheduled_statuses")
      .set({ scheduled_at: at })
      .where("id", "=", id)
      .where("account_id", "=", accountId)
      .returningAll()
      .executeTakeFirst(),
  );
}

export async function cancelScheduledStatus(ctx: CoreContext, accountId: string, id: string): Promise<boolean> {
  const result = await write(ctx, (trx) => trx.deleteFrom("scheduled_statuses").where("id", "=", id).where("account_id", "=", accountId).executeTakeFirst());
  return result.numDeletedRows > 0n;
}

function toStatusInput(row: ScheduledStatusRow): NewStatusInput {
  const params = parseScheduledParams(row);
  return {
    accountId: row.account_id,
    text: params.text,
    spoilerText: params.spoiler_text ?? undefined,
    sensitive: params.sensitive ?? undefined,
    visibility: params.visibility ?? undefined,
    language: params.language,
    inReplyToId: params.in_reply_to_id,
    mediaIds: params.media_ids ?? [],
    poll: params.poll
      ? { options: params.poll.options, expiresIn: params.poll.expires_in, multiple: params.poll.multiple, hideTotals: params.poll.hide_totals }
      : null,
    applicationId: row.application_id,
    idempotencyKey: params.idempotency,
  };
}

/**
 * Posts every scheduled status that is due. One that can no longer be posted (its reply target deleted,
 * its media gone) is dropped and logged rather than retried for ever.
 */
export async function publishDueStatuses(ctx: CoreContext, options: StatusOptions): Promise<number> {
  const due = await ctx.db.selectFrom("scheduled_statuses").selectAll().where("scheduled_at", "<=", ctx.clock.now().toISOString()).orderBy("scheduled_at").execute();
  let posted = 0;
  for (const row of due) {
    // Taken first, so a slow post is never picked up twice by the next tick.
    const taken = await write(ctx, (trx) => trx.deleteFrom("scheduled_statuses").where("id", "=", row.id).executeTakeFirst());
    if (taken.numDeletedRows === 0n) continue;
    try {
      await postStatus(ctx, toStatusInput(row), options);
      posted += 1;
    } catch (error) {
      logger.warn("Scheduled status {id} could not be posted and was dropped: {error}", { id: row.id, error });
    }
  }
  return posted;
}

export interface StatusScheduler {
  stop(): Promise<void>;
}

/** Every `intervalMs`, posts due scheduled statuses and ends expired polls. */
export function startStatusScheduler(ctx: CoreContext, options: { origin: () => string; intervalMs?: number }): StatusScheduler {
  let running: Promise<void> | undefined;
  const tick = () => {
    // A tick still at work (a slow WebFinger for a mention) is left to finish rather than doubled.
    if (running) return;
    running = (async () => {
      try {
        await publishDueStatuses(ctx, { origin: options.origin() });
        await closeExpiredPolls(ctx);
      } catch (error) {
        logger.error("The status scheduler failed: {error}", { error });
      } finally {
        running = undefined;
      }
    })();
  };
  const timer = setInterval(tick, options.intervalMs ?? 15_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** The uploads scheduled statuses hold, by id, for their entities. */
export async function loadScheduledMedia(ctx: CoreContext, rows: readonly ScheduledStatusRow[]): Promise<Map<string, MediaAttachmentRow>> {
  const ids = [...new Set(rows.flatMap((row) => parseScheduledParams(row).media_ids ?? []))];
  if (ids.length === 0) return new Map();
  const media = await ctx.db.selectFrom("media_attachments").selectAll().where("id", "in", ids).execute();
  return new Map(media.map((row) => [row.id, row]));
}
