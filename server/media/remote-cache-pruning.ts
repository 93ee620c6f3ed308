import type { CoreContext } from "../core/context.ts";
import { forgetUntouchedRemoteMediaCopies, REMOTE_MEDIA_RETENTION_MS } from "../core/media/remote-media-retention.ts";
import { removeStoredFiles } from "./attachment-files.ts";
import type { MediaStorage } from "./storage.ts";

/**
 * Removes from disk the cached copies of remote media older than the retention on statuses no local account
 * interacted with (core/media/remote-media-retention.ts says which); they are fetched again if someone looks.
 * Returns how many attachments lost their copy.
 */
export async function pruneRemoteMediaCache(core: CoreContext, storage: MediaStorage, retentionMs = REMOTE_MEDIA_RETENTION_MS): Promise<number> {
  const cutoff = new Date(core.clock.now().getTime() - retentionMs).toISOString();
  const forgotten = await forgetUntouchedRemoteMediaCopies(core, cutoff);
  await removeStoredFiles(storage, forgotten);
  return forgotten.length;
}
