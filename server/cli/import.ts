import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { importMastodonArchive, type ImportProgress, type MastodonImportReport } from "../archive/mastodon-import.ts";
import { IMPORT_USAGE, parseImportOptions } from "../config.ts";
import { findLocalAccountByUsername, findOwnerAccount } from "../core/accounts/accounts.ts";
import { systemClock } from "../core/clock.ts";
import { createCoreContext } from "../core/context.ts";
import { getInstance } from "../core/instance/instance.ts";
import { databasePath } from "../db/connection.ts";
import { openDataDirectoryBesideServe } from "../db/open.ts";
import { createMediaStorage, mediaRootOf } from "../media/storage.ts";
import { UserError } from "../user-error.ts";
import { describeCsvImport, importCsvFile } from "./import-csv.ts";
import { terminalProgress, type TerminalProgress } from "./terminal-progress.ts";

/** Where local ids point when the instance has no lasting address yet (as `hearth export` has it). */
const FALLBACK_ORIGIN = "http://127.0.0.1:8330";

/** A zip starts with "PK"; anything else named .csv, or text, is read as one of Mastodon's CSV files. */
async function isCsvFile(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    const isZip = bytesRead >= 2 && buffer[0] === 0x50 && buffer[1] === 0x4b;
    return !isZip && (/\.csv$/i.test(file) || !/\.zip$/i.test(file));
  } finally {
    await handle.close();
  }
}

interface ImportIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function describe(report: MastodonImportReport, file: string): string {
  const lines = [
    `${report.stopped ? "Stopped" : "Imported"} ${file} (${report.archiveAccount}): ${report.imported} new, ${report.alreadyPresent} already here, of ${report.total} posts and boosts; ${report.mediaImported} media files.`,
  ];
  if (report.stopped) lines.push("Run the same command again to go on where it stopped.");
  if (report.directLeftOut > 0) lines.push(`${report.directLeftOut} direct messages were left out; pass --include-direct to import them (they stay direct).`);
  if (report.boostsSkipped > 0) lines.push(`${report.boostsSkipped} boosts were left out: the boosted posts are not stored on this server.`);
  for (const [type, count] of Object.entries(report.otherSkipped)) lines.push(`${count} ${type} activities were left out: Hearth does not import them.`);
  if (!report.stopped) {
    lines.push(`Likes: ${report.likes.stored} kept, ${report.likes.unresolved} of posts not stored here (counted, not kept).`);
    lines.push(`Bookmarks: ${report.bookmarks.stored} kept, ${report.bookmarks.unresolved} of posts not stored here (counted, not kept).`);
  }
  if (report.mediaProblems.length > 0) {
    lines.push(`${report.mediaProblems.length} media files could not be imported (their posts are in, without them):`);
    for (const problem of report.mediaProblems) lines.push(`  ${problem.url}: ${problem.why}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `hearth import FILE`: a Mastodon archive (.zip), or one of Mastodon's CSV files, into a local account. The exit code: 130 when Ctrl+C stopped it. */
export async function runImport(args: readonly string[], io: ImportIo): Promise<number> {
  const options = parseImportOptions(args);
  if (!existsSync(options.file)) throw new UserError(`There is no file at ${options.file}.`);
  if (/\.(tar\.gz|tgz)$/i.test(options.file)) {
    throw new UserError(`${options.file} is an older .tar.gz archive, which Hearth does not read yet; unpack it and zip its contents, then import the .zip.`);
  }
  if (!existsSync(databasePath(options.dataDir))) throw new UserError(`${options.dataDir} is not set up yet; run \`hearth setup\` first. Usage: ${IMPORT_USAGE}`);
  // Beside a running `serve` the database is shared with it (same schema only, nothing migrated): the contract has import work then.
  const database = await openDataDirectoryBesideServe(options.dataDir);
  const abort = new AbortController();
  const stop = () => {
    if (abort.signal.aborted) process.exit(130);
    io.stderr.write("\nStopping after the batch under way (Ctrl+C again to stop at once; a rerun goes on either way).\n");
    abort.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    const core = createCoreContext(database.db, systemClock);
    const instance = await getInstance(core);
    if (!instance) throw new UserError(`${options.dataDir} is not set up yet; run \`hearth setup\` first.`);
    const account = options.username ? await findLocalAccountByUsername(core, options.username) : await findOwnerAccount(core);
    if (!account) throw new UserError(`There is no local account named ${options.username} on this instance.`);
    if (await isCsvFile(options.file)) {
      const origin = instance.canonical_origin ?? FALLBACK_ORIGIN;
      const csvReport = await importCsvFile({ file: options.file, core, account, origin, progress: terminalProgress(io.stderr) });
      io.stdout.write(describeCsvImport(csvReport, options.file));
      return 0;
    }
    const report = await importMastodonArchive({
      file: options.file,
      core,
      storage: createMediaStorage(mediaRootOf(options.dataDir)),
      account,
      includeDirect: options.includeDirect,
      force: options.force,
      progress: importProgress(terminalProgress(io.stderr)),
      signal: abort.signal,
    });
    io.stdout.write(describe(report, options.file));
    return report.stopped ? 130 : 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await database.close();
  }
}

/** The import counts in phases (posts, then likes…); the terminal draws each as a step of its own. */
function importProgress(terminal: TerminalProgress): ImportProgress {
  let step = "";
  let total = 0;
  let done = 0;
  return {
    phase(name, phaseTotal) {
      step = name;
      total = phaseTotal;
      done = 0;
      terminal.update(step, done, total);
    },
    advance(count) {
      done += count;
      terminal.update(step, done, total);
    },
    end() {
      terminal.finish();
    },
  };
}
