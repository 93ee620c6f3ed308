import type { CoreContext } from "../../core/context.ts";
import type { NotificationRow, StatusRow } from "../../core/rows.ts";
import { loadNotificationTargets, NOTIFICATION_STATUSES } from "./notification.ts";
import { toReport } from "./report.ts";
import { bundledAccountEntity, loadStatusPage, type StatusRenderOptions } from "./status.ts";
import { accountJsonOf, statusJsonPage, writeStatusJson } from "./status-json.ts";

/**
 * A page of statuses or notifications as the JSON text JSON.stringify(toStatuses(...)) or
 * JSON.stringify(toNotifications(...)) gives, byte for byte, written as pieces: each status's JSON kept across
 * pages (status-json.ts) with each account's (account-json.ts), and what depends on the viewer written between
 * them. Accounts are over half a page's bytes and the same forty statuses come back page after page: building
 * and serialising them again for every page cost more than the rest of the page (issue #19).
 */

/**
 * The pieces as UTF-8 bytes, for the routes to answer as they are (json-answer.ts): the page joined into one
 * string (60-85 KB) only to be encoded once would be a fifth of what a fresh page allocates (issue #19). Each
 * piece is encoded into one buffer of the page's exact length.
 */
function asBytes(pieces: readonly string[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const piece of pieces) length += Buffer.byteLength(piece);
  // Not from Node's shared pool: recent-responses.ts may keep the bytes, and a pooled slice would keep its pool.
  const bytes = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const piece of pieces) at += bytes.write(piece, at);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}

async function statusPagePieces(core: CoreContext, rows: readonly StatusRow[], viewerId: string | null, origin: string, options: StatusRenderOptions): Promise<string[]> {
  if (rows.length === 0) return ["[]"];
  const { bundle, filters } = await loadStatusPage(core, rows, viewerId, options, []);
  const page = statusJsonPage(bundle, filters, origin, options.withSource ?? false);
  const out = ["["];
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out.push(",");
    writeStatusJson(out, page, rows[i]!, 0);
  }
  out.push("]");
  return out;
}

/**
 * Each notification's JSON up to its account, by the row object: the notification rows' cache
 * (db/cached-notification-rows.ts) hands every page the same row until it changes, and a page's forty were
 * serialised again each time (8% of a fresh notifications page in process). Weak: an entry goes with its row.
 */
const notificationHeads = new WeakMap<NotificationRow, string>();

function notificationHead(row: NotificationRow): string {
  let head = notificationHeads.get(row);
  if (head === undefined) {
    const { id, type, group_key, created_at } = row;
    head = `${JSON.stringify({ id, type, group_key, created_at }).slice(0, -1)},"account":`;
    notificationHeads.set(row, head);
  }
  return head;
}

async function notificationPagePieces(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string): Promise<string[]> {
  if (rows.length === 0) return ["[]"];
  const { visible, reportRows, allAccountIds } = await loadNotificationTargets(
    core,
    rows,
    rows.map((row) => row.from_account_id),
    viewerId,
  );
  const { bundle, filters } = await loadStatusPage(core, visible, viewerId, NOTIFICATION_STATUSES, allAccountIds);
  const page = statusJsonPage(bundle, filters, origin, false);
  const statuses = new Map(visible.map((row) => [row.id, row]));
  const reports = new Map(reportRows.map((row) => [row.id, row]));
  const out = ["["];
  for (const row of rows) {
    // Left out as toNotifications leaves them out: a sender gone, a status the recipient may no longer see.
    if (!bundle.accounts.has(row.from_account_id)) continue;
    const status = row.status_id === null ? undefined : statuses.get(row.status_id);
    if (row.status_id !== null && status === undefined) continue;
    if (out.length > 1) out.push(",");
    out.push(notificationHead(row), accountJsonOf(page, row.from_account_id));
    if (status !== undefined) {
      out.push(',"status":');
      writeStatusJson(out, page, status, 0);
    }
    const report = row.report_id === null ? undefined : reports.get(row.report_id);
    const target = report && bundle.accounts.get(report.target_account_id);
    if (report && target) {
      out.push(`,"report":${JSON.stringify(toReport(report, bundledAccountEntity(bundle, target, origin)))}`);
    }
    out.push("}");
  }
  out.push("]");
  return out;
}

/** JSON.stringify(await toStatuses(core, rows, viewerId, origin, options)). */
export async function statusesJson(core: CoreContext, rows: readonly StatusRow[], viewerId: string | null, origin: string, options: StatusRenderOptions = {}): Promise<string> {
  return (await statusPagePieces(core, rows, viewerId, origin, options)).join("");
}

/** statusesJson as its UTF-8 bytes, as the routes answer it. */
export async function statusesJsonBytes(
  core: CoreContext,
  rows: readonly StatusRow[],
  viewerId: string | null,
  origin: string,
  options: StatusRenderOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  return asBytes(await statusPagePieces(core, rows, viewerId, origin, options));
}

/** JSON.stringify(await toNotifications(core, rows, viewerId, origin)). */
export async function notificationsJson(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string): Promise<string> {
  return (await notificationPagePieces(core, rows, viewerId, origin)).join("");
}

/** notificationsJson as its UTF-8 bytes, as the route answers it. */
export async function notificationsJsonBytes(core: CoreContext, rows: readonly NotificationRow[], viewerId: string, origin: string): Promise<Uint8Array<ArrayBuffer>> {
  return asBytes(await notificationPagePieces(core, rows, viewerId, origin));
}
