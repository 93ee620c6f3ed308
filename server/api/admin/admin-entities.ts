import type { CoreContext } from "../../core/context.ts";
import { getAdminAccounts, type AdminAccountRow } from "../../core/moderation/admin-accounts.ts";
import { loadReportStatuses } from "../../core/moderation/admin-reports.ts";
import type { ReportRow } from "../../core/rows.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { toAdminAccount, type MastodonAdminAccount } from "../entities/admin-account.ts";
import { toAdminReport, type MastodonAdminReport } from "../entities/admin-report.ts";
import { toStatuses } from "../entities/status.ts";

/** Admin::Account entities for rows, their profiles read in one go. */
export async function renderAdminAccounts(core: CoreContext, rows: readonly AdminAccountRow[], origin: string): Promise<MastodonAdminAccount[]> {
  const accounts = await renderAccounts(core, rows.map((row) => row.account), origin);
  return rows.map((row, index) => toAdminAccount(row, accounts[index]!));
}

/** Admin::Report entities, each with its accounts as Admin::Accounts and its statuses as the moderator sees them. */
export async function renderAdminReports(core: CoreContext, reports: readonly ReportRow[], moderatorId: string, origin: string): Promise<MastodonAdminReport[]> {
  const ids = reports.flatMap((report) => [report.account_id, report.target_account_id, report.assigned_account_id, report.action_taken_by_account_id]);
  const rows = await getAdminAccounts(core, ids.filter((id): id is string => id !== null));
  const ordered = [...rows.values()];
  const entities = new Map((await renderAdminAccounts(core, ordered, origin)).map((entity) => [entity.id, entity]));
  const entity = (id: string | null) => (id === null ? null : (entities.get(id) ?? null));
  return Promise.all(
    reports.map(async (report) => {
      const account = entity(report.account_id);
      const targetAccount = entity(report.target_account_id);
      if (!account || !targetAccount) throw new Error(`Report ${report.id} names an account that is not there.`);
      const statuses = await toStatuses(core, await loadReportStatuses(core, report), moderatorId, origin);
      return toAdminReport(report, { account, targetAccount, assignedAccount: entity(report.assigned_account_id), actionTakenByAccount: entity(report.action_taken_by_account_id), statuses });
    }),
  );
}
