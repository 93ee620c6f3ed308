import { listAccountsThatMay } from "../accounts/roles.ts";
import { Invalid, NotFound } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { notify } from "../notifications/notifications.ts";
import { visibleTo } from "../visibility/status-visibility.ts";
import type { ReportRow } from "../rows.ts";
import { write } from "../write.ts";

/**
 * Reports a local account files about another account (POST /api/v1/reports). They are kept for the
 * instance's owner and moderators, who are notified (admin.report) unless they filed it; a report about a remote account
 * can be forwarded to its server, which hears it as a Flag.
 */


export const REPORT_CATEGORIES = ["spam", "legal", "violation", "other"] as const;
export const REPORT_COMMENT_MAX = 1000;

export interface ReportInput {
  targetAccountId: string;
  statusIds?: readonly string[];
  comment?: string;
  forward?: boolean;
  category?: string;
  ruleIds?: readonly string[];
}

export function reportStatusIds(report: ReportRow): string[] {
  const parsed: unknown = JSON.parse(report.status_ids_json);
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : [];
}

export async function fileReport(ctx: CoreContext, reporterId: string, input: ReportInput): Promise<ReportRow> {
  const comment = input.comment ?? "";
  if ([...comment].length > REPORT_COMMENT_MAX) throw new Invalid(`A report's comment has at most ${REPORT_COMMENT_MAX} characters.`);
  // Naming rules makes it a violation whatever the app said, as on Mastodon.
  const category = input.ruleIds && input.ruleIds.length > 0 ? "violation" : (input.category ?? "other");
  if (!(REPORT_CATEGORIES as readonly string[]).includes(category)) {
    throw new Invalid(`category must be one of ${REPORT_CATEGORIES.join(", ")}, not "${category}".`);
  }
  if (input.ruleIds && input.ruleIds.length > 0) throw new Invalid("This instance has no rules to name in rule_ids[].");
  if (reporterId === input.targetAccountId) throw new Invalid("You cannot report yourself.");

  return write(ctx, async (trx, after) => {
    const target = await trx.selectFrom("accounts").select(["id", "domain"]).where("id", "=", input.targetAccountId).executeTakeFirst();
    if (!target) throw new NotFound(`There is no account with id ${input.targetAccountId}.`);
    const statusIds = [...new Set(input.statusIds ?? [])];
    if (statusIds.length > 0) {
      // Only statuses the reporter may see, as Mastodon has it: a report cannot probe for hidden statuses.
      const found = await trx
        .selectFrom("statuses")
        .select("id")
        .where("id", "in", statusIds)
        .where("account_id", "=", target.id)
        .where((eb) => visibleTo(eb, reporterId))
        .execute();
      // A status that is not the reported account's (or does not exist): Mastodon answers 404.
      if (found.length !== statusIds.length) throw new NotFound("Some of the statuses are not the reported account's.");
    }
    const now = ctx.clock.now();
    const report = await trx
      .insertInto("reports")
      .values({
        id: ctx.ids.next(now),
        account_id: reporterId,
        target_account_id: target.id,
        status_ids_json: JSON.stringify(statusIds),
        comment,
        category,
        forward: input.forward && target.domain !== null ? 1 : 0,
        uri: null,
        action_taken_at: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const moderatorId of await listAccountsThatMay({ db: trx }, "manageReports")) {
      if (moderatorId === reporterId) continue;
      await notify(ctx, trx, after, { accountId: moderatorId, type: "admin.report", fromAccountId: reporterId, reportId: report.id });
    }
    if (report.forward === 1) after.publish({ type: "report.forwarded", reportId: report.id });
    return report;
  });
}
