import { useCallback, useEffect, useState, type FormEvent } from "react";
import { csvExportUrl, exportDownloadUrl, getArchive, startExport, type ArchiveOutcome, type ArchiveState } from "../api/archive.ts";
import { uploadImport, type UploadProgress } from "../api/archive-upload.ts";
import { useApp } from "../app-context.ts";
import { byteSize } from "../text/byte-size.ts";

/** How often the panel asks while an import or export runs. */
const POLL_MS = 1_000;

/** Mastodon's CSV files, as /api/v1/exports serves them. */
const CSV_LINKS = [
  ["following", "Follows"],
  ["followers", "Followers"],
  ["lists", "Lists"],
  ["mutes", "Mutes"],
  ["blocks", "Blocked accounts"],
  ["domain_blocks", "Blocked domains"],
  ["bookmarks", "Bookmarks"],
] as const;

/** What a running job's step is called on screen. */
const STEPS: Record<string, string> = {
  upload: "receiving the file",
  posts: "posts",
  media: "media files",
  following: "follows",
  blocks: "blocked accounts",
  mutes: "muted accounts",
  domain_blocks: "blocked domains",
  bookmarks: "bookmarks",
  lists: "list members",
};

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function ImportResult({ outcome }: { outcome: ArchiveOutcome }) {
  const { archive, csv } = outcome;
  if (archive) {
    return (
      <div role="status" className="archive-result">
        <p>
          {archive.stopped ? "Stopped importing" : "Imported"} {outcome.file_name} ({archive.account}): {archive.imported} new, {archive.already_present}{" "}
          already here, of {archive.total} posts and boosts; {archive.media_imported} media files.
        </p>
        <ul>
          {archive.stopped && <li>The server stopped during the import; it goes on where it stopped when Hearth starts again.</li>}
          {archive.direct_left_out > 0 && <li>{archive.direct_left_out} direct messages were left out (tick “Include direct messages” to bring them in).</li>}
          {archive.boosts_skipped > 0 && <li>{archive.boosts_skipped} boosts were left out: the boosted posts are not stored here.</li>}
          <li>
            Likes: {archive.likes.stored} kept, {archive.likes.unresolved} of posts no longer reachable. Bookmarks: {archive.bookmarks.stored} kept,{" "}
            {archive.bookmarks.unresolved} of posts no longer reachable.
          </li>
        </ul>
        {archive.media_problems.length > 0 && (
          <details open>
            <summary>{archive.media_problems.length} media files could not be imported (their posts are in, without them)</summary>
            <ul>
              {archive.media_problems.map((problem) => (
                <li key={problem.url}>
                  <code>{problem.url}</code>: {problem.why}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
    );
  }
  if (csv) {
    return (
      <div role="status" className="archive-result">
        <p>
          Imported {outcome.file_name} as {STEPS[csv.type] ?? csv.type} ({csv.mode}): {csv.imported} of {csv.rows} rows
          {csv.removed > 0 ? `; ${csv.removed} not in the file were undone` : ""}.
          {csv.beyond_limit > 0 ? ` ${csv.beyond_limit} rows past the first 20,000 were left out.` : ""}
        </p>
        {csv.failures.length > 0 && (
          <details open>
            <summary>{csv.failures.length} rows could not be imported (the others are in)</summary>
            <ul>
              {csv.failures.map((failure) => (
                <li key={failure.line}>
                  Line {failure.line}, <code>{failure.value}</code>: {failure.error}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
    );
  }
  return null;
}

/**
 * The signed-in account's own archive: import one from Mastodon (the archive's zip, or one of its CSV files)
 * and export this account's, each with a progress bar; the same as `hearth import` and `hearth export`.
 */
export function ArchivePanel() {
  const { api } = useApp();
  const [state, setState] = useState<ArchiveState>();
  const [error, setError] = useState<string>();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<"merge" | "overwrite">("merge");
  const [includeDirect, setIncludeDirect] = useState(false);
  const [isMineElsewhere, setIsMineElsewhere] = useState(false);
  const [uploading, setUploading] = useState<({ name: string } & UploadProgress) | null>(null);
  const refresh = useCallback(
    () =>
      getArchive(api)
        .then(setState)
        .catch((caught: unknown) => setError((caught as Error).message)),
    [api],
  );
  useEffect(() => void refresh(), [refresh]);
  const running = state?.running ?? null;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, refresh]);

  const submitImport = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(undefined);
    setUploading({ name: file.name, sent: 0, total: file.size, resumedFrom: null });
    // The upload is remembered in localStorage: the same file picked again, after a cut or a reload, goes on from the server's offset.
    uploadImport(api, file, { mode, includeDirect, force: isMineElsewhere }, (progress) => setUploading({ name: file.name, ...progress }), { store: localStorage })
      .then(setState)
      .catch((caught: unknown) => setError((caught as Error).message))
      .finally(() => setUploading(null));
  };
  const beginExport = () => {
    setError(undefined);
    startExport(api)
      .then(setState)
      .catch((caught: unknown) => setError((caught as Error).message));
  };

  if (!state) return error ? <p role="alert">{error}</p> : <span className="spinner" role="progressbar" aria-label="Loading" />;
  const outcome = state.last_outcome;
  const isBusy = running !== null || uploading !== null;
  const isCsv = file !== null && /\.csv$/i.test(file.name);
  return (
    <div className="archive-panel">
      <h3>Import</h3>
      <p className="hint">
        Bring your posts from Mastodon: upload the archive from its “Request your archive” (a .zip), or one of its CSV files (follows, mutes, blocks,
        blocked domains, bookmarks, lists). Your posts keep their dates and are not sent to anyone again.
      </p>
      <form onSubmit={submitImport}>
        <label>
          Archive or CSV file{" "}
          <input type="file" accept=".zip,.csv,application/zip,text/csv" disabled={isBusy} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        </label>
        {isCsv ? (
          <label>
            For a CSV file{" "}
            <select value={mode} disabled={isBusy} onChange={(event) => setMode(event.target.value === "overwrite" ? "overwrite" : "merge")}>
              <option value="merge">Merge: add to what you have</option>
              <option value="overwrite">Overwrite: undo what the file does not name</option>
            </select>
          </label>
        ) : (
          <>
            <label>
              <input type="checkbox" checked={includeDirect} disabled={isBusy} onChange={(event) => setIncludeDirect(event.target.checked)} /> Include direct
              messages (they stay direct)
            </label>
            <label>
              <input type="checkbox" checked={isMineElsewhere} disabled={isBusy} onChange={(event) => setIsMineElsewhere(event.target.checked)} /> This archive
              is mine, under another name
            </label>
          </>
        )}
        <div className="actions">
          <button type="submit" disabled={isBusy || !file}>
            Import
          </button>
        </div>
      </form>

      <h3>Export</h3>
      <p className="hint">Your account's archive in Mastodon's format, which Mastodon, GoToSocial and others import; and your lists of relations as CSV files.</p>
      {state.last_export ? (
        <p>
          Your archive of <time dateTime={state.last_export.created_at}>{when(state.last_export.created_at)}</time>, {byteSize(state.last_export.bytes)}:{" "}
          <a href={exportDownloadUrl(api)} download={state.last_export.file_name}>
            Download {state.last_export.file_name}
          </a>
        </p>
      ) : (
        <p>No export yet.</p>
      )}
      <div className="actions">
        <button type="button" disabled={isBusy} onClick={beginExport}>
          Export my archive
        </button>
      </div>
      <p className="csv-links">
        CSV files:{" "}
        {CSV_LINKS.map(([kind, label], index) => (
          <span key={kind}>
            {index > 0 && " · "}
            <a href={csvExportUrl(api, kind)} download={`${kind}.csv`}>
              {label}
            </a>
          </span>
        ))}
      </p>

      {uploading && (
        <div className="backup-progress">
          <label htmlFor="archive-upload-bar">
            Uploading {uploading.name}: {uploading.sent > 0 ? byteSize(uploading.sent) : "0 KB"} of {byteSize(uploading.total)}
            {uploading.resumedFrom !== null ? ` (resumed from ${byteSize(uploading.resumedFrom)} the server already had)` : ""}
          </label>
          <progress id="archive-upload-bar" max={uploading.total || 1} value={uploading.sent} />
        </div>
      )}
      {running && (
        <div className="backup-progress">
          <label htmlFor="archive-progress-bar">
            {running.kind === "import" ? `Importing ${running.file_name ?? ""}` : "Exporting"}: {running.step ? (STEPS[running.step] ?? running.step) : "starting"}
            {running.total > 0 ? ` (${running.done} of ${running.total})` : ""}
          </label>
          <progress id="archive-progress-bar" max={running.total || 1} value={running.total ? running.done : undefined} />
        </div>
      )}
      {!running && !uploading && outcome && (
        <>
          {outcome.error ? (
            <p role="alert">
              The {outcome.kind}
              {outcome.file_name ? ` of ${outcome.file_name}` : ""} failed: {outcome.error}
            </p>
          ) : outcome.kind === "import" ? (
            <ImportResult outcome={outcome} />
          ) : (
            <p role="status">
              Exported {outcome.export?.statuses ?? 0} posts, {outcome.export?.media_files ?? 0} media files, {outcome.export?.likes ?? 0} favourites and{" "}
              {outcome.export?.bookmarks ?? 0} bookmarks {when(outcome.finished_at)}.
            </p>
          )}
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
