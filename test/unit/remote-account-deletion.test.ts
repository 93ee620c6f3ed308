import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cachedAccountImagePath } from "../../server/core/media/account-images.ts";
import { reblogStatus } from "../../server/core/interactions/interactions.ts";
import { forgetRemoteAccount } from "../../server/core/accounts/remote-account-deletion.ts";
import { insertStatus } from "../../server/core/statuses/status-store.ts";
import { pruneOrphanedAccountImages } from "../../server/media/account-image-pruning.ts";
import { createMediaStorage } from "../../server/media/storage.ts";
import { insertFollow, insertTestAccount, openCoreDatabase, type CoreDatabase } from "../helpers/core-database.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

describe("forgetting a remote account its server deleted", () => {
  let db: CoreDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("removes all its statuses, however many, with their boosts, then the account; others stay", async () => {
    db = await openCoreDatabase("forget-account");
    const { core } = db;
    const jo = await insertTestAccount(core, "jo");
    const gone = await insertTestAccount(core, "gone", "gone.example");
    const other = await insertTestAccount(core, "other", "other.example");
    await insertFollow(core, jo.id, gone.id);
    await insertFollow(core, gone.id, jo.id);
    // More than one transaction's worth, its boost of its own status among them.
    const createdAt = core.clock.now().toISOString();
    const ids = await core.db.transaction().execute(async (trx) => {
      const written: string[] = [];
      for (let n = 0; n < 205; n++) {
        const status = await insertStatus(core, trx, { accountId: gone.id, local: false, uri: `https://gone.example/statuses/${n}`, visibility: "public", content: `<p>${n}</p>`, createdAt });
        written.push(status.id);
        // In the first batch, right after what it boosts: removing that takes it along.
        if (n === 0) await insertStatus(core, trx, { accountId: gone.id, local: false, uri: "https://gone.example/boosts/1", visibility: "public", reblogOfId: status.id, createdAt });
      }
      await insertStatus(core, trx, { accountId: other.id, local: false, uri: "https://other.example/statuses/1", visibility: "public", content: "<p>stays</p>", createdAt });
      return written;
    });
    await reblogStatus(core, jo.id, ids[204]!);

    expect(await forgetRemoteAccount(core, gone.id)).toBe(true);
    const left = await core.db.selectFrom("statuses").select(["account_id", "uri"]).execute();
    expect(left).toEqual([{ account_id: other.id, uri: "https://other.example/statuses/1" }]);
    expect(await core.db.selectFrom("accounts").select("id").where("id", "=", gone.id).execute()).toEqual([]);
    expect(await core.db.selectFrom("follows").select("id").execute()).toEqual([]);
    const deleted = db.events.filter((event) => event.type === "status.deleted");
    // One for each of its 205 statuses and its own boost, and one for jo's boost, so every stream drops them.
    expect(deleted).toHaveLength(207);

    expect(await forgetRemoteAccount(core, gone.id)).toBe(false);
    expect(await forgetRemoteAccount(core, jo.id)).toBe(false);
    expect(await core.db.selectFrom("accounts").select("id").where("id", "=", jo.id).execute()).toHaveLength(1);
  });

  it("leaves the pictures of forgotten accounts to the media cleanup, which removes them once settled", async () => {
    db = await openCoreDatabase("account-image-pruning");
    const { core } = db;
    const media = makeTempDir("account-image-pruning-media");
    try {
      const storage = createMediaStorage(media.path);
      const kept = await insertTestAccount(core, "kept", "kept.example");
      const keptAvatar = cachedAccountImagePath(kept.id, "avatar", "https://kept.example/a.png", "png");
      await core.db.updateTable("accounts").set({ avatar_file: keptAvatar, avatar_remote_url: "https://kept.example/a.png" }).where("id", "=", kept.id).execute();
      const orphanAvatar = cachedAccountImagePath("0000000000000000000", "avatar", "https://gone.example/a.png", "png");
      const orphanHeader = cachedAccountImagePath("0000000000000000000", "header", "https://gone.example/h.png", "png");
      const freshOrphan = cachedAccountImagePath("0000000000000000001", "avatar", "https://new.example/a.png", "png");
      for (const file of [keptAvatar, orphanAvatar, orphanHeader, freshOrphan]) {
        const path = join(media.path, file);
        mkdirSync(join(path, ".."), { recursive: true });
        writeFileSync(path, "image bytes");
      }
      // What the clock calls two hours ago, for all but the fresh one (a download not yet recorded).
      const old = new Date(core.clock.now().getTime() - 2 * 60 * 60 * 1000);
      for (const file of [keptAvatar, orphanAvatar, orphanHeader]) utimesSync(join(media.path, file), old, old);
      utimesSync(join(media.path, freshOrphan), core.clock.now(), core.clock.now());

      expect(await pruneOrphanedAccountImages(core, storage)).toBe(2);
      expect([keptAvatar, orphanAvatar, orphanHeader, freshOrphan].map((file) => existsSync(join(media.path, file)))).toEqual([true, false, false, true]);
    } finally {
      media.remove();
    }
  });
});
