import { existsSync } from "node:fs";
import { parseExportOptions } from "../config.ts";
import { findLocalAccountByUsername, findOwnerAccount } from "../core/accounts/accounts.ts";
import { systemClock } from "../core/clock.ts";
import { createCoreContext } from "../core/context.ts";
import { getInstance } from "../core/instance/instance.ts";
import { databasePath } from "../db/connection.ts";
import { openDataDirectoryBesideServe } from "../db/open.ts";
import { writeAccountArchive } from "../export/account-archive.ts";
import { terminalProgress } from "./terminal-progress.ts";
import { createMediaStorage, mediaRootOf } from "../media/storage.ts";
import { UserError } from "../user-error.ts";

/** The contract lets export run beside a `serve` of the same directory: through the database, never a file copy. */
const openDatabaseForCommand = openDataDirectoryBesideServe;

/** Where ids point when the instance has no lasting address yet (only quick tunnels): its default local one. */
const FALLBACK_ORIGIN = "http://127.0.0.1:8330";

interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** `hearth export`: the account's archive in Mastodon's format; prints the archive's path last. */
export async function exportCommand(args: readonly string[], io: CommandIo): Promise<void> {
  const options = parseExportOptions(args);
  // Checked before opening, which would create an empty database in a directory that was never set up.
  if (!existsSync(databasePath(options.dataDir))) throw new UserError(`${options.dataDir} is not set up yet; there is nothing to export.`);
  const database = await openDatabaseForCommand(options.dataDir);
  try {
    const core = createCoreContext(database.db, systemClock);
    const instance = await getInstance(core);
    if (!instance) throw new UserError(`${options.dataDir} is not set up yet; there is nothing to export.`);
    const account = options.username ? await findLocalAccountByUsername(core, options.username) : await findOwnerAccount(core);
    if (!account) throw new UserError(`There is no local account named ${options.username} on this instance.`);
    const origin = instance.canonical_origin ?? FALLBACK_ORIGIN;
    if (!instance.canonical_origin) {
      io.stderr.write(`This instance has no lasting address yet, so the archive's ids use ${FALLBACK_ORIGIN}.\n`);
    }
    const progress = terminalProgress(io.stderr);
    const result = await writeAccountArchive({
      core,
      account,
      origin,
      media: createMediaStorage(mediaRootOf(options.dataDir)),
      toDir: options.toDir,
      onProgress: ({ phase, done, total }) => progress.update(phase === "statuses" ? "Posts" : "Media files", done, total),
      onMissingFile: (stored) => io.stderr.write(`The media file ${stored} is missing from the data directory; the archive is written without it.\n`),
    });
    progress.finish();
    io.stderr.write(
      `Exported ${result.statuses} posts, ${result.mediaFiles} media files, ${result.likes} favourites and ${result.bookmarks} bookmarks of @${account.username}.\n`,
    );
    io.stdout.write(`${result.path}\n`);
  } finally {
    await database.close();
  }
}
