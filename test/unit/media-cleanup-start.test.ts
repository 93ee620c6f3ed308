import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cachedAccountImagePath } from "../../server/core/media/account-images.ts";
import { startMediaCleanup } from "../../server/media/cleanup.ts";
import { createMediaStorage } from "../../server/media/storage.ts";
import { openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// The media cleanup is housekeeping: it must not take a start's time (issue #19), and must still run.
describe("the media cleanup of a starting server", () => {
  let db: CoreDatabase | undefined;
  let media: ReturnType<typeof makeTempDir> | undefined;
  afterEach(async () => {
    await db?.close();
    media?.remove();
    db = undefined;
    media = undefined;
  });

  /** A copy of a remote avatar no account names, two hours old: what the cleanup removes. */
  async function withOrphanedAvatar(): Promise<{ storage: ReturnType<typeof createMediaStorage>; orphan: string }> {
    db = await openCoreDatabase("media-cleanup-start");
    media = makeTempDir("media-cleanup-start");
    const orphan = join(media.path, cachedAccountImagePath("0000000000000000000", "avatar", "https://gone.example/a.png", "png"));
    mkdirSync(join(orphan, ".."), { recursive: true });
    writeFileSync(orphan, "image bytes");
    const old = new Date(db.core.clock.now().getTime() - 2 * 60 * 60 * 1000);
    utimesSync(orphan, old, old);
    return { storage: createMediaStorage(media.path), orphan };
  }

  it("does not clean up while the server starts: a stop right after start finds nothing run", async () => {
    const { storage, orphan } = await withOrphanedAvatar();
    const cleanup = await startMediaCleanup(db!.core, storage);
    await cleanup.stop();
    expect(existsSync(orphan)).toBe(true);
  });

  it("cleans up once its first run is due, and then the orphaned copy is gone (the positive control)", async () => {
    const { storage, orphan } = await withOrphanedAvatar();
    const cleanup = await startMediaCleanup(db!.core, storage, { firstRunAfterMs: 10 });
    try {
      await waitFor(() => !existsSync(orphan), { what: "the first cleanup to remove the orphaned avatar" });
    } finally {
      await cleanup.stop();
    }
  });
});
