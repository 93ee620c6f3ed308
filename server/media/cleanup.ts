import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../core/context.ts";
import { failInterruptedUploads, removeStaleUploads, UNATTACHED_UPLOAD_LIFETIME_MS } from "../core/media/media.ts";
import type { MediaStorage } from "./storage.ts";
import { pruneOrphanedAccountImages } from "./account-image-pruning.ts";
import { removeStoredFiles } from "./attachment-files.ts";
import { pruneRemoteMediaCache } from "./remote-cache-pruning.ts";

const logger = getLogger(["hearth", "media"]);

const HOUR_MS = 60 * 60 * 1000;
/**
 * The first cleanup waits this long after start. Run at once, it walked the media folder and wrote its removals
 * while the server was still starting, for housekeeping that nothing waits for: on the bench's empty folder
 * about 10 ms of a start before the first /healthz (issue #19: bench/start-profile.ts showed readdir under
 * pruneOrphanedAccountImages, and a write transaction), and more the larger an archive's media folder. Mastodon
 * runs its media cleanup as a scheduled job, never at boot.
 */
export const FIRST_CLEANUP_AFTER_MS = 60_000;

export interface MediaCleanupTiming {
  /** Between two cleanups; an hour unless told. */
  intervalMs?: number;
  /** From start to the first cleanup; FIRST_CLEANUP_AFTER_MS unless told. */
  firstRunAfterMs?: number;
}

/** Removes the rows and files of uploads no status took within a day (and of remote media whose status went). */
export async function cleanUpUnattachedMedia(core: CoreContext, storage: MediaStorage, lifetimeMs = UNATTACHED_UPLOAD_LIFETIME_MS): Promise<number> {
  const removed = await removeStaleUploads(core, lifetimeMs);
  await removeStoredFiles(storage, removed);
  return removed.length;
}

/**
 * Fails the uploads a previous run was processing (their bytes died with it), before any new upload can begin;
 * then cleans up a minute after start and every hour until stopped, as Mastodon's media cleanup does: unattached uploads, the
 * old cached copies of remote media no local account touched (remote-cache-pruning.ts), and copies of remote
 * avatars and headers no account names any more (account-image-pruning.ts).
 */
export async function startMediaCleanup(core: CoreContext, storage: MediaStorage, timing: MediaCleanupTiming = {}): Promise<{ stop(): Promise<void> }> {
  const failed = await failInterruptedUploads(core);
  if (failed > 0) logger.info("{failed} uploads were being processed when Hearth stopped; they are marked failed.", { failed });
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(async () => {
      try {
        const removed = await cleanUpUnattachedMedia(core, storage);
        if (removed > 0) logger.debug("Removed {removed} media attachments no status took.", { removed });
      } catch (error) {
        logger.warn("Could not clean up unattached media: {error}", { error });
      }
      try {
        const pruned = await pruneRemoteMediaCache(core, storage);
        if (pruned > 0) logger.debug("Removed the cached copies of {pruned} old remote media no local account touched.", { pruned });
      } catch (error) {
        logger.warn("Could not prune the remote media cache: {error}", { error });
      }
      try {
        const orphaned = await pruneOrphanedAccountImages(core, storage);
        if (orphaned > 0) logger.debug("Removed {orphaned} copies of remote avatars and headers no account names.", { orphaned });
      } catch (error) {
        logger.warn("Could not prune the copies of remote avatars and headers: {error}", { error });
      }
    });
  };
  // unref: a cleanup still to come never keeps a stopping process alive.
  const first = setTimeout(run, timing.firstRunAfterMs ?? FIRST_CLEANUP_AFTER_MS).unref();
  const timer = setInterval(run, timing.intervalMs ?? HOUR_MS).unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
