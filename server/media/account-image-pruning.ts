import { readdir, stat } from "node:fs/promises";
import { namedAccountImageFiles, cachedAccountImageFolder, type AccountImageKind } from "../core/media/account-images.ts";
import type { CoreContext } from "../core/context.ts";
import type { MediaStorage } from "./storage.ts";

/** A copy younger than this may be one whose download has not been recorded yet (remote-account-images.ts). */
const SETTLING_MS = 60 * 60 * 1000;
const KINDS: readonly AccountImageKind[] = ["avatar", "header"];

/**
 * Removes the kept copies of remote avatars and headers that no account names any more: those of accounts
 * forgotten after their server deleted them (core/accounts/remote-account-deletion.ts), and any left by a download
 * that lost a race with a change of picture. Returns how many files went.
 */
export async function pruneOrphanedAccountImages(core: CoreContext, storage: MediaStorage): Promise<number> {
  const named = await namedAccountImageFiles(core);
  const settledBefore = core.clock.now().getTime() - SETTLING_MS;
  let removed = 0;
  for (const kind of KINDS) {
    const folder = cachedAccountImageFolder(kind);
    const absolute = storage.resolve(folder);
    if (absolute === undefined) continue;
    const names = await readdir(absolute).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    });
    for (const name of names) {
      const relative = `${folder}/${name}`;
      if (named.has(relative)) continue;
      const path = storage.resolve(relative);
      // Hidden and temporary files (a write in progress) are not ours to judge; resolve refuses them.
      if (path === undefined) continue;
      const stats = await stat(path).catch(() => undefined);
      if (!stats?.isFile() || stats.mtimeMs > settledBefore) continue;
      await storage.remove(relative);
      removed++;
    }
  }
  return removed;
}
