import { useCallback, useEffect, useState } from "react";
import { getBackups, startBackup, startTestRestore, type BackupsState } from "../api/hearth.ts";
import { useApp } from "../app-context.ts";

/** How often the panel asks while a backup or test restore runs. */
const POLL_MS = 1_000;

function sizeOf(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The owner's backups: make one now, test-restore the last one, and see how each went, with a progress bar. */
export function BackupPanel() {
  const { api } = useApp();
  const [state, setState] = useState<BackupsState>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(
    () =>
      getBackups(api)
        .then(setState)
        .catch((caught: unknown) => setError((caught as Error).message)),
    [api],
  );
  useEffect(() => void refresh(), [refresh]);
  const isRunning = state?.running != null;
  useEffect(() => {
    if (!isRunning) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [isRunning, refresh]);

  const start = (action: typeof startBackup) => {
    setError(undefined);
    action(api)
      .then(setState)
      .catch((caught: unknown) => setError((caught as Error).message));
  };

  if (!state) return error ? <p role="alert">{error}</p> : <span className="spinner" role="progressbar" aria-label="Loading" />;
  const { running, last_backup: last, last_outcome: outcome } = state;
  return (
    <div className="backup-panel">
      <p className="hint">
        A backup is one file holding the database, your media and the keys that make you you on the fediverse. Keep a copy on another disk; test
        restore proves a backup opens and serves your home timeline.
      </p>
      {last ? (
        <p>
          Last backup: <time dateTime={last.created_at}>{when(last.created_at)}</time>, {sizeOf(last.bytes)}, <code>{last.file}</code>
        </p>
      ) : (
        <p>No backup yet.</p>
      )}
      {running && (
        <div className="backup-progress">
          <label htmlFor="backup-progress-bar">
            {running.kind === "backup" ? "Backing up" : "Testing the restore"}: {running.step ?? "starting"}
          </label>
          <progress id="backup-progress-bar" max={running.total || 1} value={running.total ? running.done : undefined} />
        </div>
      )}
      {!running && outcome && (
        <p role={outcome.error ? "alert" : "status"}>
          {outcome.error
            ? `The ${outcome.kind === "backup" ? "backup" : "test restore"} failed: ${outcome.error}`
            : outcome.kind === "backup"
              ? `Backup made ${when(outcome.finished_at)}.`
              : `Test restore passed ${when(outcome.finished_at)}: the backup opened and served ${outcome.home_timeline_statuses ?? 0} statuses of your home timeline.`}
        </p>
      )}
      {error && <p role="alert">{error}</p>}
      <div className="actions">
        <button type="button" disabled={isRunning} onClick={() => start(startBackup)}>
          Back up now
        </button>
        <button type="button" disabled={isRunning || !last} onClick={() => start(startTestRestore)}>
          Test restore
        </button>
      </div>
    </div>
  );
}
