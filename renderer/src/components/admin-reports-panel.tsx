import { useCallback, useEffect, useState } from "react";
import { actOnAccount, changeReport, getReportQueue, type AccountAction, type AdminAccount, type AdminReport } from "../api/admin.ts";
import { useApp } from "../app-context.ts";
import { Link } from "./link.tsx";
import { StatusContent } from "./status-content.tsx";
import { TimeAgo } from "./time-ago.tsx";

function acctOf(account: AdminAccount): string {
  return account.domain ? `${account.username}@${account.domain}` : account.username;
}

function AccountLink({ account }: { account: AdminAccount }) {
  return <Link to={{ name: "profile", acct: acctOf(account) }}>@{acctOf(account)}</Link>;
}

/** A reported status as the moderator reads it: its text, its content warning opened on request. */
function ReportedStatus({ status }: { status: AdminReport["statuses"][number] }) {
  const [isExpanded, setExpanded] = useState(false);
  return (
    <li className="reported-status">
      <StatusContent status={status} isExpanded={isExpanded} onToggle={() => setExpanded((value) => !value)} />
      <span className="hint">
        <TimeAgo iso={status.created_at} />
      </span>
    </li>
  );
}

/** One report: who reported whom and why, the statuses, and what the moderator does with it. */
function ReportCard({ report, onChanged, onError }: { report: AdminReport; onChanged(): void; onError(message: string): void }) {
  const { api, me } = useApp();
  const act = (work: Promise<unknown>) => work.then(onChanged, (caught: unknown) => onError((caught as Error).message));
  const isResolved = report.action_taken;
  const isMine = report.assigned_account?.id === me.id;
  const target = report.target_account;
  // The owner is never moderated (the server refuses it too), nor is one's own account.
  const mayActOnTarget = !isResolved && target.role?.name !== "Owner" && target.id !== me.id;
  const actWith = (type: AccountAction) => act(actOnAccount(api, target.id, type, report.id));
  return (
    <article className="card report" aria-label={`Report ${report.id} against @${acctOf(target)}`} data-resolved={isResolved}>
      <header>
        <strong>
          <AccountLink account={target} />
        </strong>{" "}
        reported by <AccountLink account={report.account} /> · {report.category} · <TimeAgo iso={report.created_at} />
      </header>
      <p className="report-state">
        {isResolved ? (
          <>
            Resolved{report.action_taken_by_account && <> by <AccountLink account={report.action_taken_by_account} /></>}
          </>
        ) : (
          "Open"
        )}
        {report.assigned_account && (
          <>
            {" "}
            · assigned to <AccountLink account={report.assigned_account} />
          </>
        )}
        {report.forwarded && " · forwarded to their server"}
      </p>
      {report.comment ? <blockquote>{report.comment}</blockquote> : <p className="hint">No comment.</p>}
      {report.statuses.length > 0 ? (
        <ul className="reported-statuses" aria-label="Reported posts">
          {report.statuses.map((status) => (
            <ReportedStatus key={status.id} status={status} />
          ))}
        </ul>
      ) : (
        <p className="hint">No post is attached.</p>
      )}
      <div className="admin-actions">
        {isResolved ? (
          <button type="button" onClick={() => void act(changeReport(api, report.id, "reopen"))}>
            Reopen
          </button>
        ) : (
          <>
            {isMine ? (
              <button type="button" onClick={() => void act(changeReport(api, report.id, "unassign"))}>
                Unassign
              </button>
            ) : (
              <button type="button" onClick={() => void act(changeReport(api, report.id, "assign_to_self"))}>
                Assign to me
              </button>
            )}
            <button type="button" onClick={() => void act(changeReport(api, report.id, "resolve"))}>
              Resolve
            </button>
            {mayActOnTarget && (
              <>
                <button type="button" onClick={() => void actWith("silence")}>
                  Limit @{acctOf(target)}
                </button>
                <button type="button" className="danger" onClick={() => void actWith("suspend")}>
                  Suspend @{acctOf(target)}
                </button>
              </>
            )}
          </>
        )}
      </div>
    </article>
  );
}

/** The report queue: members' reports and peers' Flags in one list, the open ones first. */
export function AdminReportsPanel() {
  const { api } = useApp();
  const [reports, setReports] = useState<AdminReport[]>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    getReportQueue(api)
      .then(setReports)
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [api]);
  useEffect(reload, [reload]);

  if (error && !reports) return <p role="alert">{error}</p>;
  if (!reports) return <span className="spinner" role="progressbar" aria-label="Loading" />;
  const open = reports.filter((report) => !report.action_taken).length;
  return (
    <>
      <p role="status">{open === 0 ? "No open report." : `${open} open report${open === 1 ? "" : "s"}.`}</p>
      {error && <p role="alert">{error}</p>}
      <div className="reports" aria-label="Reports, open first">
        {reports.map((report) => (
          <ReportCard key={report.id} report={report} onChanged={reload} onError={setError} />
        ))}
      </div>
    </>
  );
}
