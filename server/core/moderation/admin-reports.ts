import { accountMay } from "../accounts/roles.ts";
import type { CoreContext } from "../context.ts";
import { Forbidden, Invalid, NotFound } from "../errors.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import type { ReportRow, StatusRow } from "../rows.ts";
import { write, type WriteTransaction } from "../write.ts";
import { REPORT_CATEGORIES, reportStatusIds } from "./reports.ts";

/**
 * The report queue as moderators work it (Mastodon's Admin::ReportsController): members' reports and the
 * Flags other servers sent, in one table; resolved or reopened, taken by a moderator or let go, recategorised.
 */

export interface AdminReportFilter {
  /** true: resolved reports only; otherwise the open ones, as Mastodon's ReportFilter. */
  resolved?: boolean;
  /** Filed by this account. */
  accountId?: string;
  /** About this account. */
  targetAccountId?: string;
}

export async function listAdminReports(ctx: CoreContext, filter: AdminReportFilter, page: PageRequest): Promise<ReportRow[]> {
  let query = ctx.db.selectFrom("reports").selectAll();
  query = filter.resolved === true ? query.where("action_taken_at", "is not", null) : query.where("action_taken_at", "is", null);
  if (filter.accountId) query = query.where("account_id", "=", filter.accountId);
  if (filter.targetAccountId) query = query.where("target_account_id", "=", filter.targetAccountId);
  return pageRows(await pageQuery(query, "reports.id", page).execute(), page);
}

export async function getAdminReport(ctx: CoreContext, reportId: string): Promise<ReportRow> {
  const report = await ctx.db.selectFrom("reports").selectAll().where("id", "=", reportId).executeTakeFirst();
  if (!report) throw new NotFound("Record not found");
  return report;
}

export type ReportChange =
  | { kind: "resolve" }
  | { kind: "reopen" }
  | { kind: "assign_to_self" }
  | { kind: "unassign" }
  | { kind: "update"; category?: string; ruleIds?: readonly string[] };

async function requireReport(trx: WriteTransaction, reportId: string): Promise<ReportRow> {
  const report = await trx.selectFrom("reports").selectAll().where("id", "=", reportId).executeTakeFirst();
  if (!report) throw new NotFound("Record not found");
  return report;
}

/** One change to a report by a moderator; the report as it now is. */
export async function changeReport(ctx: CoreContext, moderatorId: string, reportId: string, change: ReportChange): Promise<ReportRow> {
  return write(ctx, async (trx) => {
    const report = await requireReport(trx, reportId);
    if (!(await accountMay({ ...ctx, db: trx }, moderatorId, "manageReports"))) throw new Forbidden("Only the owner and moderators of this instance can handle reports.");
    const now = ctx.clock.now().toISOString();
    const update = (set: Partial<Pick<ReportRow, "action_taken_at" | "action_taken_by_account_id" | "assigned_account_id" | "category">>) =>
      trx
        .updateTable("reports")
        .set({ ...set, updated_at: now })
        .where("id", "=", report.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    switch (change.kind) {
      case "resolve":
        return update({ action_taken_at: report.action_taken_at ?? now, action_taken_by_account_id: report.action_taken_by_account_id ?? moderatorId });
      case "reopen":
        return update({ action_taken_at: null, action_taken_by_account_id: null });
      case "assign_to_self":
        return update({ assigned_account_id: moderatorId });
      case "unassign":
        return update({ assigned_account_id: null });
      case "update": {
        if (change.ruleIds && change.ruleIds.length > 0) throw new Invalid("This instance has no rules to name in rule_ids[].");
        const category = change.category ?? report.category;
        if (!(REPORT_CATEGORIES as readonly string[]).includes(category)) {
          throw new Invalid(`category must be one of ${REPORT_CATEGORIES.join(", ")}, not "${category}".`);
        }
        return update({ category });
      }
    }
  });
}

/** The statuses a report names, as moderators see them: whatever their visibility, in the report's order. */
export async function loadReportStatuses(ctx: CoreContext, report: ReportRow): Promise<StatusRow[]> {
  const ids = reportStatusIds(report);
  if (ids.length === 0) return [];
  const rows = await ctx.db.selectFrom("statuses").selectAll().where("id", "in", ids).execute();
  return rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
}
