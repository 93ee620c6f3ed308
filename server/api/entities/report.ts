import { reportStatusIds } from "../../core/moderation/reports.ts";
import type { MastodonAccount } from "./account.ts";
import type { ReportRow } from "../../core/rows.ts";

/** Mastodon's Report entity, as the reporter sees it. */
export interface MastodonReport {
  id: string;
  action_taken: boolean;
  action_taken_at: string | null;
  category: string;
  comment: string;
  forwarded: boolean;
  created_at: string;
  status_ids: string[] | null;
  rule_ids: string[] | null;
  target_account: MastodonAccount;
}

/** What the reporter's Report and the moderators' Admin::Report say alike. */
export type ReportBasics = Pick<MastodonReport, "id" | "action_taken" | "action_taken_at" | "category" | "comment" | "forwarded" | "created_at">;

export function reportBasics(row: ReportRow): ReportBasics {
  return {
    id: row.id,
    action_taken: row.action_taken_at !== null,
    action_taken_at: row.action_taken_at,
    category: row.category,
    comment: row.comment,
    // A member's report forwarded to the reported account's server; a Flag from a peer is theirs to forward.
    forwarded: row.forward === 1,
    created_at: row.created_at,
  };
}

export function toReport(row: ReportRow, targetAccount: MastodonAccount): MastodonReport {
  const statusIds = reportStatusIds(row);
  return {
    ...reportBasics(row),
    status_ids: statusIds.length > 0 ? statusIds : null,
    rule_ids: null,
    target_account: targetAccount,
  };
}
