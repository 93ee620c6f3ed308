import type { ReportRow } from "../../core/rows.ts";
import type { MastodonAdminAccount } from "./admin-account.ts";
import { reportBasics } from "./report.ts";
import type { MastodonStatus } from "./status.ts";

/** Mastodon's Admin::Report entity (REST::Admin::ReportSerializer). Hearth has no instance rules: rules is empty. */
export interface MastodonAdminReport {
  id: string;
  action_taken: boolean;
  action_taken_at: string | null;
  category: string;
  comment: string;
  forwarded: boolean;
  created_at: string;
  updated_at: string;
  account: MastodonAdminAccount;
  target_account: MastodonAdminAccount;
  assigned_account: MastodonAdminAccount | null;
  action_taken_by_account: MastodonAdminAccount | null;
  statuses: MastodonStatus[];
  rules: never[];
}

export interface AdminReportParts {
  account: MastodonAdminAccount;
  targetAccount: MastodonAdminAccount;
  assignedAccount: MastodonAdminAccount | null;
  actionTakenByAccount: MastodonAdminAccount | null;
  statuses: MastodonStatus[];
}

export function toAdminReport(row: ReportRow, parts: AdminReportParts): MastodonAdminReport {
  return {
    ...reportBasics(row),
    updated_at: row.updated_at ?? row.created_at,
    account: parts.account,
    target_account: parts.targetAccount,
    assigned_account: parts.assignedAccount,
    action_taken_by_account: parts.actionTakenByAccount,
    statuses: parts.statuses,
    rules: [],
  };
}
