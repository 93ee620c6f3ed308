import { mkdir, mkdtemp, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { findOwnerAccount } from "../core/accounts/accounts.ts";
import { issueCliToken } from "../core/auth/tokens.ts";
import { systemClock } from "../core/clock.ts";
import { createCoreContext } from "../core/context.ts";
import { databasePath } from "../db/connection.ts";
import { openDataDirectoryDatabase } from "../db/open.ts";
import type { InstanceOptions, RunningInstance } from "../index.ts";
import { mediaRootOf } from "../media/storage.ts";
import { UserError } from "../user-error.ts";
import { removeUnpackedFolder } from "./archive-file.ts";
import { unpackAndCheckBackup } from "./check-backup.ts";
import type { BackupManifest } from "./manifest.ts";
import { ignoreProgress, type ProgressListener } from "./progress.ts";

export type StartInstance = (options: InstanceOptions) => Promise<RunningInstance>;

export interface VerifiedBackup {
  manifest: BackupManifest;
  /** The owner's username, as the restored instance answered verify_credentials. */
  owner: string;
  /** Statuses in the first page of the owner's home timeline, read through the API. */
  homeTimelineStatuses: number;
}

/** Every lookup fails: the test restore must never reach a peer as the instance it is a copy of. */
const refuseEveryLookup: NonNullable<NonNullable<InstanceOptions["outgoing"]>["policy"]>["resolve"] = (hostname, _options, callback) => {
  callback(Object.assign(new Error(`${hostname} is not looked up during a test restore.`), { code: "ENOTFOUND" }), []);
};

async function readJson(url: string, token: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new UserError(`The restored instance answered ${response.status} to ${new URL(url).pathname}; the backup does not restore to a working Hearth.`);
  return response.json();
}

/**
 * A test restore: the backup is unpacked and checked into a temporary folder, opened (and brought to this
 * build's schema), then served by an instance that cannot federate (no tunnel, no lookups, nothing queued to
 * deliver), whose owner's home timeline is read through the client API. Throws a UserError unless all holds.
 */
export async function verifyBackup(file: string, start: StartInstance, onProgress: ProgressListener = ignoreProgress): Promise<VerifiedBackup> {
  const scratch = await mkdtemp(join(tmpdir(), "hearth-verify-"));
  try {
    const checked = await unpackAndCheckBackup(file, join(scratch, "unpacked"), onProgress);
    const dataDir = join(scratch, "data");
    await mkdir(dataDir);
    await rename(checked.databasePath, databasePath(dataDir));
    await rename(checked.mediaDir, mediaRootOf(dataDir)).catch(() => mkdir(mediaRootOf(dataDir)));
    onProgress({ step: "starting a test instance", done: 0, total: 1 });
    const database = await openDataDirectoryDatabase(dataDir);
    let token: string;
    try {
      const core = createCoreContext(database.db, systemClock);
      // The copy must not deliver again what the instance it came from has queued or delivered.
      await database.db.deleteFrom("outbox").execute();
      await sql`DELETE FROM fedify_messages`.execute(database.db);
      const owner = await findOwnerAccount(core);
      if (!owner) throw new UserError(`${file} holds no owner account; it is not a set-up Hearth.`);
      token = (await issueCliToken(core, owner.id, ["read"])).token;
    } finally {
      await database.close();
    }
    const instance = await start({
      dataDir,
      port: 0,
      tunnelPort: 0,
      tunnel: { mode: "off" },
      allowPrivateNetwork: false,
      outgoing: { policy: { resolve: refuseEveryLookup, isPublicAddress: () => false } },
    });
    try {
      const account = (await readJson(`${instance.localUrl}/api/v1/accounts/verify_credentials`, token)) as { username?: unknown };
      const home = await readJson(`${instance.localUrl}/api/v1/timelines/home?limit=40`, token);
      if (!Array.isArray(home)) throw new UserError("The restored instance's home timeline is not a list of statuses; the backup does not restore to a working Hearth.");
      onProgress({ step: "starting a test instance", done: 1, total: 1 });
      return { manifest: checked.manifest, owner: String(account.username), homeTimelineStatuses: home.length };
    } finally {
      await instance.close();
    }
  } finally {
    await removeUnpackedFolder(scratch);
  }
}
