import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { changeBackupSchedule, getBackups, startBackup, startTestRestore, type BackupInterval, type BackupsState } from "../api/hearth.ts";
import { useApp } from "../app-context.ts";
import { desktopBridge } from "../desktop.ts";
import { useNow } from "./time-ago.tsx";
import { byteSize } from "../text/byte-size.ts";

/** How often the panel asks while a backup or test restore runs. */
const POLL_MS = 1_000;

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "2 hours ago", "9 days ago": as the tray says it (main/backup-line.ts). */
function ageInWords(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  const count = (amount: number, unit: string) => `${amount} ${unit}${amount === 1 ? "" : "s"} ago`;
  if (minutes < 1) return "just now";
  if (minutes < 60) return count(minutes, "minute");
  if (minutes < 24 * 60) return count(Math.floor(minutes / 60), "hour");
  return count(Math.floor(minutes / (24 * 60)), "day");
}

const INTERVAL_WORDS: Record<BackupInterval, string> = { daily: "Every day", weekly: "Every week", off: "Off" };

/**
 * Where scheduled backups go (a folder on the server's computer, typed as its full path), how often, and how
 * many are kept. The server checks the folder and answers with a sentence when it will not do.
 */
function ScheduleForm({ state, onSaved }: { state: BackupsState; onSaved(state: BackupsState): void }) {
  const { api } = useApp();
  const folderId = useId();
  const [folder, setFolder] = useState(state.schedule.folder ?? "");
  const [interval, setBackupInterval] = useState<BackupInterval>(state.schedule.interval);
  const [keep, setKeep] = useState(String(state.schedule.keep));
  const [error, setError] = useState<string>();
  const [isSaved, setSaved] = useState(false);
  // Only the desktop app can open the system's folder dialog; in a browser tab the path is typed.
  const chooseFolder = desktopBridge()?.chooseBackupFolder;
  const choose = () => {
    if (!chooseFolder) return;
    setError(undefined);
    chooseFolder(folder.trim() || undefined)
      .then((chosen) => {
        if (chosen === null) return;
        setFolder(chosen);
        setSaved(false);
      })
      .catch((caught: unknown) => setError(`The folder dialog did not open: ${(caught as Error).message}`));
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    changeBackupSchedule(api, { folder: folder.trim(), interval, keep: Number(keep) })
      .then((answer) => {
        setSaved(true);
        onSaved(answer);
      })
      .catch((caught: unknown) => setError((caught as Error).message));
  };
  return (
    <form className="stack backup-schedule" onSubmit={save} aria-label="Scheduled backups">
      <h4>Scheduled backups</h4>
      <div className="backup-folder">
        <label htmlFor={folderId}>Folder on this computer</label>
        <div className="backup-folder-row">
          <input
            id={folderId}
            type="text"
            name="folder"
            value={folder}
            placeholder="/home/you/Backups/Hearth"
            aria-describedby={`${folderId}-hint`}
            onChange={(event) => setFolder(event.target.value)}
          />
          {chooseFolder && (
            <button type="button" onClick={choose}>
              Choose…
            </button>
          )}
        </div>
        <span className="hint" id={`${folderId}-hint`}>
          Outside Hearth&apos;s data folder, ideally on another disk. Leave empty to stop scheduled backups.
        </span>
      </div>
      <label>
        How often
        <select name="interval" value={interval} onChange={(event) => setBackupInterval(event.target.value as BackupInterval)}>
          {(Object.keys(INTERVAL_WORDS) as BackupInterval[]).map((value) => (
            <option key={value} value={value}>
              {INTERVAL_WORDS[value]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Backups to keep
        <input type="number" name="keep" min={1} max={365} value={keep} onChange={(event) => setKeep(event.target.value)} />
      </label>
      {error && <p role="alert">{error}</p>}
      {isSaved && !error && <p role="status">Schedule saved.</p>}
      <div className="actions">
        <button type="submit">Save schedule</button>
      </div>
    </form>
  );
}

/** The last good backup, and a warning when it is older than a week or the last run failed: the tray says the same. */
function Freshness({ state }: { state: BackupsState }) {
  const { freshness, schedule } = state;
  const now = useNow();
  return (
    <div className="backup-freshness">
      {freshness.last_good_at && (
        <p>
          Last good backup:{" "}
          <time dateTime={freshness.last_good_at} title={when(freshness.last_good_at)}>
            {ageInWords(freshness.last_good_at, now)}
          </time>
        </p>
      )}
      {freshness.warning && (
        <p className="explain backup-warning" role="alert">
          {freshness.warning}
        </p>
      )}
      {schedule.next_due_at && <p className="hint">Next scheduled backup: {when(schedule.next_due_at)}.</p>}
    </div>
  );
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
      <Freshness state={state} />
      {last ? (
        <p>
          Last backup: <time dateTime={last.created_at}>{when(last.created_at)}</time>, {byteSize(last.bytes)}, <code>{last.file}</code>
        </p>
      ) : (
        !state.freshness.last_good_at && <p>No backup yet.</p>
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
      <ScheduleForm state={state} onSaved={setState} />
    </div>
  );
}
