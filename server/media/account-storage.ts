import { stat } from "node:fs/promises";
import { filesOfAccounts } from "../core/media/account-files.ts";
import type { CoreContext } from "../core/context.ts";
import type { MediaStorage } from "./storage.ts";

/**
 * The bytes each account's files take on disk, counted from the files themselves (the database keeps no sizes).
 * A file the database names and the disk lacks counts nothing: the figure is what the owner's disk holds.
 */
export async function storageUsedByAccounts(core: Pick<CoreContext, "db">, storage: MediaStorage, accountIds: readonly string[]): Promise<Map<string, number>> {
  const files = await filesOfAccounts(core, accountIds);
  const used = new Map<string, number>();
  for (const [accountId, names] of files) {
    let bytes = 0;
    for (const name of names) {
      const path = storage.resolve(name);
      if (path === undefined) continue;
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) bytes += info.size;
    }
    used.set(accountId, bytes);
  }
  return used;
}
