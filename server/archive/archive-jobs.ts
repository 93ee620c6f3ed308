import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { getAccount } from "../core/accounts/accounts.ts";
import { csvImportTypeOf } from "../core/archive/csv-kind.ts";
import { IMPORT_MAX_BYTES, importRelations, type ImportMode, type ImportReport } from "../core/archive/relation-import.ts";
import type { CoreContext } from "../core/context.ts";
import { Conflict, NotFound } from "../core/errors.ts";
import type { AccountRow } from "../core/rows.ts";
import type { MediaStorage } from "../media/storage.ts";
import { UserError } from "../user-error.ts";
import { receiveUpload } from "./archive-upload.ts";
import { createUploadSessions, type UploadSessions } from "./upload-sessions.ts";
import type { MastodonImportReport } from "./mastodon-import.ts";

/**
 * Imports and exports asked for from the web client, each account its own: one job at a time per account,
 * in the background, progress kept for polling (as backups are, backup/backup-service.ts). An upload is
 * written to <dataDir>/imports as it arrives, with a note of what was asked beside it; both stay until the
 * import has ended, so a server stopped mid-import (the batch under way commits, as on Ctrl+C in `hearth
 * import`) goes on from there at its next start. Exports go to <dataDir>/exports/<account id>, the newest kept.
 */

export type ArchiveJobKind = "import" | "export";

export interface ArchiveJobState {
  kind: ArchiveJobKind;
  startedAt: string;
  /** The uploaded file's name, for an import. */
  fileName: string | null;
  step: string | null;
  done: number;
  total: number;
}

export interface ArchiveOutcome {
  kind: ArchiveJobKind;
  fileName: string | null;
  finishedAt: string;
  /** Null when it went well; the sentence otherwise. */
  error: string | null;
  archive?: MastodonImportReport;
  csv?: ImportReport;
  export?: { statuses: number; mediaFiles: number; likes: number; bookmarks: number };
}

export interface ArchiveExportFile {
  path: string;
  bytes: number;
  createdAt: string;
}

export interface ArchiveStatus {
  running: ArchiveJobState | null;
  lastExport: ArchiveExportFile | null;
  lastOutcome: ArchiveOutcome | null;
}

export interface ImportUpload {
  fileName: string;
  body: WebReadableStream<Uint8Array> | null;
  mode: ImportMode;
  includeDirect: boolean;
  force: boolean;
}

export interface ArchiveJobs {
  /** The largest upload taken, in bytes. */
  readonly maxUploadBytes: number;
  status(accountId: string): Promise<ArchiveStatus>;
  /** Receives the upload into the data directory, then starts its import; refused while the account has a job. */
  startImport(accountId: string, upload: ImportUpload): Promise<ArchiveJobState>;
  /** Uploads in chunks, resumed where a cut left them (upload-sessions.ts). */
  readonly uploads: UploadSessions;
  /** Starts the import of a chunked upload that has all its bytes; refused while the account has a job. */
  finishUpload(accountId: string, uploadId: string): Promise<ArchiveJobState>;
  startExport(accountId: string): ArchiveJobState;
  /** The account's newest export, or NotFound. */
  exportFile(accountId: string): Promise<ArchiveExportFile>;
  /** Imports a stop interrupted, started again, and abandoned chunked uploads removed (at the server's start). */
  resumeInterrupted(): Promise<void>;
  /** Stops imports after their batch under way, and resolves once nothing runs. */
  close(): Promise<void>;
  /** Resolves once nothing runs (tests). */
  settled(): Promise<void>;
}

export interface ArchiveJobsDependencies {
  core: CoreContext;
  dataDir: string;
  storage: MediaStorage;
  origin(): string;
  /** The largest upload taken, in bytes. */
  maxUploadBytes: number;
  /** The largest chunk of a chunked upload (8 MiB by default; tests send small files in several). */
  uploadChunkBytes?: number;
  now?: () => Date;
}

/** What was asked of an upload, kept beside it so an interrupted import resumes as it was asked. */
interface ImportNote {
  accountId: string;
  fileName: string;
  mode: ImportMode;
  includeDirect: boolean;
  force: boolean;
}

/** A Mastodon archive of 2 GB is a big account's; CSV files are capped at Mastodon's 20 MB on their own. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/** What an upload is, by its first bytes and then its name: a zip (or a broken one named so), a gzip, or text. */
async function uploadKind(path: string, fileName: string): Promise<"zip" | "gzip" | "csv"> {
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    if ((bytesRead === 2 && buffer[0] === 0x50 && buffer[1] === 0x4b) || /\.zip$/i.test(fileName)) return "zip";
    if ((bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) || /\.(tar\.gz|tgz)$/i.test(fileName)) return "gzip";
    return "csv";
  } finally {
    await handle.close();
  }
}

async function newestExport(dir: string): Promise<ArchiveExportFile | null> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let newest: ArchiveExportFile | null = null;
  for (const name of names.filter((entry) => entry.endsWith(".zip") && !entry.startsWith("."))) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile() && (!newest || info.mtime.toISOString() >= newest.createdAt)) {
      newest = { path: join(dir, name), bytes: info.size, createdAt: info.mtime.toISOString() };
    }
  }
  return newest;
}

export function createArchiveJobs(deps: ArchiveJobsDependencies): ArchiveJobs {
  const now = deps.now ?? (() => new Date());
  const importsDir = join(deps.dataDir, "imports");
  const exportsDir = (accountId: string) => join(deps.dataDir, "exports", accountId);
  const running = new Map<string, ArchiveJobState>();
  const outcomes = new Map<string, ArchiveOutcome>();
  const work = new Set<Promise<void>>();
  const stopping = new AbortController();
  const uploads = createUploadSessions({ dir: join(importsDir, "uploads"), maxUploadBytes: deps.maxUploadBytes, chunkBytes: deps.uploadChunkBytes, now });
  // Abandoned uploads are looked for hourly as well as at each start, so a server left running does not fill its disk.
  const expiry = setInterval(() => void uploads.expire().catch(() => undefined), 60 * 60 * 1000);
  expiry.unref();
  const settled = async () => {
    while (work.size > 0) await Promise.all(work);
  };

  const claim = (accountId: string, kind: ArchiveJobKind, fileName: string | null): ArchiveJobState => {
    const current = running.get(accountId);
    if (current) throw new Conflict(`An ${current.kind} is already running for this account; wait for it to end.`);
    const job: ArchiveJobState = { kind, startedAt: now().toISOString(), fileName, step: null, done: 0, total: 0 };
    running.set(accountId, job);
    return job;
  };

  const run = (accountId: string, job: ArchiveJobState, task: () => Promise<Omit<ArchiveOutcome, "kind" | "fileName" | "finishedAt" | "error">>) => {
    const finished = task().then(
      (outcome) => void outcomes.set(accountId, { kind: job.kind, fileName: job.fileName, finishedAt: now().toISOString(), error: null, ...outcome }),
      (error: unknown) => {
        const message = error instanceof UserError ? error.message : `stopped on an unexpected error: ${(error as Error).message}`;
        outcomes.set(accountId, { kind: job.kind, fileName: job.fileName, finishedAt: now().toISOString(), error: message });
      },
    );
    const tracked = finished.finally(() => {
      running.delete(accountId);
      work.delete(tracked);
    });
    work.add(tracked);
  };

  const accountOf = async (accountId: string): Promise<AccountRow> => {
    const account = await getAccount(deps.core, accountId);
    if (!account || account.domain !== null) throw new NotFound("That account is not one of this instance's.");
    return account;
  };

  /** Runs the import of an upload on disk; its files go once it has ended, and stay when a stop cut it short. */
  const runImport = (job: ArchiveJobState, upload: string, note: ImportNote) =>
    run(note.accountId, job, async () => {
      let finished = true;
      try {
        const account = await accountOf(note.accountId);
        const kind = await uploadKind(upload, note.fileName);
        if (kind === "gzip") {
          throw new UserError(`${note.fileName} is an older .tar.gz archive, which Hearth does not read yet; unpack it and zip its contents, then import the .zip.`);
        }
        if (kind === "zip") {
          let phaseTotal = 0;
          // The zip readers and writers load when an archive is asked for, not at every start (issue #19).
          const { importMastodonArchive } = await import("./mastodon-import.ts");
          const report = await importMastodonArchive({
            file: upload,
            core: deps.core,
            storage: deps.storage,
            account,
            includeDirect: note.includeDirect,
            force: note.force,
            reachRemote: true,
            signal: stopping.signal,
            progress: {
              phase: (name, total) => Object.assign(job, { step: name, done: 0, total: (phaseTotal = total) }),
              advance: (count) => void (job.done = Math.min(phaseTotal, job.done + count)),
              end: () => undefined,
            },
          });
          finished = !report.stopped;
          return { archive: report };
        }
        if ((await stat(upload)).size > IMPORT_MAX_BYTES) throw new UserError("The file is larger than 20 MB, the most a CSV import takes (as on Mastodon).");
        const text = await readFile(upload, "utf8");
        const type = csvImportTypeOf(text, note.fileName);
        job.step = type;
        const csv = await importRelations(deps.core, {
          accountId: account.id,
          type,
          mode: note.mode,
          text,
          origin: deps.origin(),
          onProgress: (done, total) => Object.assign(job, { done, total }),
        });
        return { csv };
      } catch (error) {
        // The person uploaded a file by its name and is not at a command line: the sentence says it so.
        if (!(error instanceof UserError)) throw error;
        throw new UserError(error.message.replaceAll(upload, note.fileName).replace("run the import again with --force", "tick “This archive is mine, under another name” and import it again"));
      } finally {
        if (finished) await Promise.all([rm(upload, { force: true }), rm(`${upload}.json`, { force: true })]);
      }
    });

  const newUploadPath = async () => {
    await mkdir(importsDir, { recursive: true });
    return join(importsDir, `${now().getTime()}-${randomBytes(6).toString("hex")}.upload`);
  };

  return {
    maxUploadBytes: deps.maxUploadBytes,
    uploads,
    async status(accountId) {
      return { running: running.get(accountId) ?? null, lastExport: await newestExport(exportsDir(accountId)), lastOutcome: outcomes.get(accountId) ?? null };
    },

    async startImport(accountId, upload) {
      const fileName = basename(upload.fileName || "upload");
      const job = claim(accountId, "import", fileName);
      job.step = "upload";
      try {
        const path = await newUploadPath();
        await receiveUpload(upload.body, path, deps.maxUploadBytes);
        const note: ImportNote = { accountId, fileName, mode: upload.mode, includeDirect: upload.includeDirect, force: upload.force };
        await writeFile(`${path}.json`, JSON.stringify(note));
        job.step = null;
        runImport(job, path, note);
        return job;
      } catch (error) {
        running.delete(accountId);
        throw error;
      }
    },

    async finishUpload(accountId, uploadId) {
      const { session } = await uploads.get(accountId, uploadId);
      const job = claim(accountId, "import", session.fileName);
      try {
        const path = await newUploadPath();
        const note: ImportNote = { accountId, fileName: session.fileName, mode: session.mode, includeDirect: session.includeDirect, force: session.force };
        // The note first: an upload under its final name without one is removed at the next start as never begun.
        await writeFile(`${path}.json`, JSON.stringify(note));
        try {
          await uploads.takeWhole(accountId, uploadId, path);
        } catch (error) {
          await rm(`${path}.json`, { force: true });
          throw error;
        }
        runImport(job, path, note);
        return job;
      } catch (error) {
        running.delete(accountId);
        throw error;
      }
    },

    startExport(accountId) {
      const job = claim(accountId, "export", null);
      run(accountId, job, async () => {
        const account = await accountOf(accountId);
        const dir = exportsDir(accountId);
        const before = await newestExport(dir);
        const { writeAccountArchive } = await import("../export/account-archive.ts");
        const result = await writeAccountArchive({
          core: deps.core,
          account,
          origin: deps.origin(),
          media: deps.storage,
          toDir: dir,
          onProgress: ({ phase, done, total }) => Object.assign(job, { step: phase === "statuses" ? "posts" : "media", done, total }),
        });
        // One export kept per account: the new one replaces the last.
        if (before && before.path !== result.path) await rm(before.path, { force: true });
        return { export: { statuses: result.statuses, mediaFiles: result.mediaFiles, likes: result.likes, bookmarks: result.bookmarks } };
      });
      return job;
    },

    async exportFile(accountId) {
      const file = await newestExport(exportsDir(accountId));
      if (!file) throw new NotFound("There is no export yet; start one first.");
      return file;
    },

    async resumeInterrupted() {
      await uploads.expire();
      const names = await readdir(importsDir).catch(() => [] as string[]);
      for (const name of names) {
        // What a stop cut off mid-upload was never an import: nothing of it was read.
        if (name.endsWith(".part")) {
          await rm(join(importsDir, name), { force: true });
          continue;
        }
        // A note whose upload never got its name (a stop while a chunked upload was being finished).
        if (name.endsWith(".upload.json") && !names.includes(name.slice(0, -".json".length))) {
          await rm(join(importsDir, name), { force: true });
          continue;
        }
        if (!name.endsWith(".upload")) continue;
        const upload = join(importsDir, name);
        const note = JSON.parse(await readFile(`${upload}.json`, "utf8").catch(() => "null")) as ImportNote | null;
        // An upload without its note was cut off between the two writes: it was never started.
        if (!note) await rm(upload, { force: true });
        if (!note || running.has(note.accountId)) continue;
        runImport(claim(note.accountId, "import", note.fileName), upload, note);
      }
    },

    async close() {
      clearInterval(expiry);
      stopping.abort();
      await settled();
    },

    settled,
  };
}
