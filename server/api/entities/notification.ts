import type { CoreContext } from "../../core/context.ts";
import type { NotificationGroup } from "../../core/notifications/notifications.ts";
import { findVisibleStatuses } from "../../core/visibility/status-visibility.ts";
import type { NotificationType } from "../../db/schema.ts";
import type { MastodonAccount } from "./account.ts";
import { toReport, type MastodonReport } from "./report.ts";
import { toStatusesWithAccounts, type MastodonStatus } from "./status.ts";
import type { NotificationRow, ReportRow, StatusRow } from "../../core/rows.ts";

/** Mastodon's Notification entity. */
export interface MastodonNotification {
  id: string;
  type: NotificationType;
  group_key: string;
  created_at: string;
  account: MastodonAccount;
  status?: MastodonStatus;
  report?: MastodonReport;
}

/** Mastodon's NotificationGroup (v2). */
export interface MastodonNotificationGroup {
  group_key: string;
  notifications_count: number;
  type: NotificationType;
  most_recent_notification_id: string;
  page_min_id: string;
  page_max_id: string;
  latest_page_notification_at: string;
  sample_account_ids: string[];
  status_id?: string;
  report?: MastodonReport;
}

/** Mastodon's GroupedNotificationsResults. */
export interface MastodonGroupedNotifications {
  accounts: MastodonAccount[];
  statuses: MastodonStatus[];
  notification_groups: MastodonNotificationGroup[];
}

interface Related {
  accounts: Map<string, MastodonAccount>;
  statuses: Map<string, MastodonStatus>;
  reports: Map<string, MastodonReport>;
}

/** The statuses of notifications are rendered with the viewer's filters of the notifications context. */
export const NOTIFICATION_STATUSES = { filterContext: "notifications" } as const;

/**
 * What a set of notifications names: the statuses the recipient may still see, the reports, and the accounts to
 * read beside the statuses' authors (`accountIds` and the reports' targets).
 */
export async function loadNotificationTargets(
  core: CoreContext,
  rows: readonly NotificationRow[],
  accountIds: readonly string[],
  viewerId: string,
): Promise<{ visible: StatusRow[]; reportRows: ReportRow[]; allAccountIds: string[] }> {
  const db = core.db;
  const statusIds = [...new Set(rows.map((row) => row.status_id).filter((id): id is string => id !== null))];
  const reportIds = [...new Set(rows.map((row) => row.report_id).filter((id): id is string => id !== null))];
  const visible = await findVisibleStatuses(db, statusIds, viewerId);
  const reportRows: ReportRow[] = reportIds.length === 0 ? [] : await db.selectFrom("reports").selectAll().where("id", "in", reportIds).execute();
  const allAccountIds = [...new Set([...accountIds, ...reportRows.map((report) => report.target_account_id)])];
  return { visible, reportRows, allAccountIds };
}

/**
 * The accounts, statuses (those the recipient may still see) and reports a set of notifications names,
 * batched: the senders are read with the statuses' authors.
 */
async function loadRelated(core: CoreContext, rows: readonly NotificationRow[], accountIds: readonly string[], viewerId: string, origin: string): Promise<Related> {
  const { visible, reportRows, allAccountIds } = await loadNotificationTargets(core, rows, accountIds, viewerId);
  const { statuses, accounts } = await toStatusesWithAccounts(core, visible, viewerId, origin, NOTIFICATION_STATUSES, allAccountIds);
  const reports = new Map<string, MastodonReport>();
  for (const report of reportRows) {
    const target = accounts.get(report.target_account_id);
    if (target !== undefined) reports.set(report.id, toReport(report, target));
  }
  return { accounts, statuses: new Map(statuses.map((status) => [status.id, status])), reports };
}

/**
 * Notifications as Mastodon's entities. One whose status the recipient can no longer see (or whose
 * sender is gone) is left out, as Mastodon leaves it out.
 */
export async function toNotifications(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string): Promise<MastodonNotification[]> {
  if (rows.length === 0) return [];
  const related = await loadRelated(core, rows, rows.map((row) => row.from_account_id), viewerId, origin);
  return rows.flatMap((row) => {
    const account = related.accounts.get(row.from_account_id);
    if (account === undefined) return [];
    const entity: MastodonNotification = { id: row.id, type: row.type, group_key: row.group_key, created_at: row.created_at, account };
    if (row.status_id !== null) {
      const status = related.statuses.get(row.status_id);
      if (!status) return [];
      entity.status = status;
    }
    if (row.report_id !== null) {
      const report = related.reports.get(row.report_id);
      if (report) entity.report = report;
    }
    return [entity];
  });
}

export async function toNotification(core: CoreContext, row: NotificationRow, viewerId: string, origin: string): Promise<MastodonNotification | undefined> {
  return (await toNotifications(core, [row], viewerId, origin))[0];
}

/** A page of groups with the accounts and statuses they name, each once (v2's shape). */
export async function toGroupedNotifications(core: CoreContext, groups: readonly NotificationGroup[], viewerId: string, origin: string): Promise<MastodonGroupedNotifications> {
  const related = await loadRelated(
    core,
    groups.map((group) => group.mostRecent),
    groups.flatMap((group) => group.sampleAccountIds),
    viewerId,
    origin,
  );
  const notificationGroups = groups.flatMap((group): MastodonNotificationGroup[] => {
    const recent = group.mostRecent;
    if (recent.status_id !== null && !related.statuses.has(recent.status_id)) return [];
    const entity: MastodonNotificationGroup = {
      group_key: group.groupKey,
      notifications_count: group.notificationsCount,
      type: recent.type,
      most_recent_notification_id: recent.id,
      page_min_id: group.pageMinId,
      page_max_id: group.pageMaxId,
      latest_page_notification_at: recent.created_at,
      sample_account_ids: group.sampleAccountIds.filter((id) => related.accounts.has(id)),
    };
    if (recent.status_id !== null) entity.status_id = recent.status_id;
    if (recent.report_id !== null) {
      const report = related.reports.get(recent.report_id);
      if (report) entity.report = report;
    }
    return [entity];
  });
  return { accounts: [...related.accounts.values()], statuses: [...related.statuses.values()], notification_groups: notificationGroups };
}
