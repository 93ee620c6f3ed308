import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type RunningInstance } from "../../server/index.ts";
import { apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { lastLine, repack, runCliHere, snapshotOf, unpackRaw } from "../helpers/backup-files.ts";
import { follow } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers: { Accept: "application/activity+json" } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** What the fediverse and the owner see of an instance: the actor and its key, followers, statuses, media bytes. */
async function identityOf(url: string, actorUri: string, user: ApiUser, accountId: string) {
  const actor = await getJson(actorUri);
  const followers = await getJson(`${actorUri}/followers`);
  const response = await fetch(`${url}/api/v1/accounts/${accountId}/statuses`, { headers: { Authorization: `Bearer ${user.token}` } });
  expect(response.status).toBe(200);
  const statuses = (await response.json()) as Array<{ id: string; content: string; media_attachments: Array<{ url: string }> }>;
  const media = await Promise.all(
    statuses.flatMap((status) => status.media_attachments).map(async (attachment) => Buffer.from(await (await fetch(attachment.url)).arrayBuffer()).toString("hex")),
  );
  return {
    id: actor.id,
    publicKey: (actor.publicKey as { id: string; publicKeyPem: string }).publicKeyPem,
    keyId: (actor.publicKey as { id: string }).id,
    followers: followers.totalItems,
    statuses: statuses.map((status) => ({ id: status.id, content: status.content })),
    media,
  };
}

describe("backups and restores", { timeout: 120_000 }, () => {
  let group: InstanceGroup;
  let alice: TestInstance;
  let bob: TestInstance;
  let aliceApi: ApiUser;
  const scratch = makeTempDir("backups");
  /** A good backup of alice, taken while she served. */
  let backupFile: string;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }]);
    [alice, bob] = group.instances as [TestInstance, TestInstance];
    aliceApi = await apiUser(alice.core, alice.url, alice.owner);
    await follow(bob, alice);
    const photo = await twoColours(64, 48).png().toBuffer();
    const media = await aliceApi.client.v1.media.create({ file: new Blob([photo], { type: "image/png" }) });
    await aliceApi.client.v1.statuses.create({ status: "A photo before the backup", mediaIds: [media.id] });
    await aliceApi.client.v1.statuses.create({ status: "And words alone" });
  });

  afterAll(async () => {
    await group.close();
    scratch.remove();
  });

  it("takes a backup while the instance serves, printing the file's path last", async () => {
    const result = await runCliHere(["backup", "--data-dir", alice.dataDir, "--to", join(scratch.path, "out")]);
    expect(result.stderr).toContain("copying the database");
    expect(result.code).toBe(0);
    backupFile = lastLine(result.stdout);
    expect(backupFile).toMatch(/hearth-.*\.hearth-backup\.tar\.gz$/);
    expect(existsSync(backupFile)).toBe(true);
    // Nothing half-written is left beside it.
    expect(readdirSync(join(scratch.path, "out"))).toEqual([backupFile.split("/").at(-1)]);
  });

  it("passes --verify on a good backup, with the figures", async () => {
    const result = await runCliHere(["backup", "--verify", backupFile]);
    expect(result.stderr).not.toContain("hearth:");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("accounts: 2, statuses: 2, follows: 1, media attachments: 1");
    expect(result.stdout).toContain("@alice's home timeline read through the API (2 statuses");
    expect(lastLine(result.stdout)).toBe(`${backupFile} is sound.`);
  });

  it("fails --verify on a backup cut short, with a sentence", async () => {
    const truncated = join(scratch.path, "truncated.tar.gz");
    const bytes = readFileSync(backupFile);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const result = await runCliHere(["backup", "--verify", truncated]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`hearth: ${truncated} is cut short`);
  });

  it("fails --verify on a backup whose media file was altered", async () => {
    const unpacked = join(scratch.path, "tampered-media");
    mkdirSync(unpacked);
    await unpackRaw(backupFile, unpacked);
    const attachments = join(unpacked, "media", "attachments");
    const month = readdirSync(attachments)[0] ?? "";
    const file = join(attachments, month, readdirSync(join(attachments, month))[0] ?? "");
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const tampered = join(scratch.path, "tampered-media.tar.gz");
    await repack(unpacked, tampered);
    const result = await runCliHere(["backup", "--verify", tampered]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is damaged: the media file attachments\/.* is missing or altered/);
  });

  it("fails --verify on a database changed behind its manifest's back, even with the checksum redone", async () => {
    const unpacked = join(scratch.path, "tampered-db");
    mkdirSync(unpacked);
    await unpackRaw(backupFile, unpacked);
    const sqlite = new Database(join(unpacked, "hearth.db"));
    sqlite.prepare("DELETE FROM statuses WHERE text = ?").run("And words alone");
    sqlite.close();
    const manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8")) as { database: { sha256: string; bytes: number } };
    const { createHash } = await import("node:crypto");
    manifest.database = { sha256: createHash("sha256").update(readFileSync(join(unpacked, "hearth.db"))).digest("hex"), bytes: statSync(join(unpacked, "hearth.db")).size };
    writeFileSync(join(unpacked, "manifest.json"), JSON.stringify(manifest));
    const tampered = join(scratch.path, "tampered-db.tar.gz");
    await repack(unpacked, tampered);
    const result = await runCliHere(["backup", "--verify", tampered]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("statuses: the manifest says 2, the database holds 1");
  });

  it("restores into another data directory as the same server: keys, followers, statuses and media bytes", async () => {
    const before = await identityOf(alice.url, alice.actorUri, aliceApi, alice.owner.id);
    expect(before.followers).toBe(1);
    expect(before.media).toHaveLength(1);
    const port = Number(new URL(alice.url).port);
    await group.stop(alice);
    const target = join(scratch.path, "restored");
    const result = await runCliHere(["restore", backupFile, "--data-dir", target]);
    expect(result.stderr).not.toContain("hearth:");
    expect(result.code).toBe(0);
    // The restored server answers at alice's address, from the restored directory alone.
    let restored: RunningInstance | undefined;
    try {
      restored = await startInstance({ dataDir: target, port, tunnelPort: 0, allowPrivateNetwork: true });
      const after = await identityOf(restored.localUrl, alice.actorUri, aliceApi, alice.owner.id);
      expect(after).toEqual(before);
      expect(after.statuses.map((status) => status.content)).toEqual(["<p>And words alone</p>", "<p>A photo before the backup</p>"]);
    } finally {
      await restored?.close();
      await group.start(alice);
    }
  });

  it("includes other servers' media by default and leaves it out with --no-remote-media", async () => {
    mkdirSync(join(alice.dataDir, "media", "cache", "2026-12"), { recursive: true });
    writeFileSync(join(alice.dataDir, "media", "cache", "2026-12", "remote-copy.png"), await twoColours(4, 4).png().toBuffer());
    const mediaOf = async (args: string[]) => {
      const result = await runCliHere(["backup", "--data-dir", alice.dataDir, "--to", join(scratch.path, "remote-media"), ...args]);
      expect(result.code).toBe(0);
      const unpacked = join(scratch.path, `remote-media-${args.length}`);
      mkdirSync(unpacked);
      await unpackRaw(lastLine(result.stdout), unpacked);
      const manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8")) as { media: Array<{ path: string }> };
      return { listed: manifest.media.map((file) => file.path), packed: existsSync(join(unpacked, "media", "cache", "2026-12", "remote-copy.png")) };
    };
    const all = await mediaOf([]);
    expect(all.listed).toContain("cache/2026-12/remote-copy.png");
    expect(all.packed).toBe(true);
    expect(all.listed.some((path) => path.startsWith("attachments/"))).toBe(true);
    const local = await mediaOf(["--no-remote-media"]);
    expect(local.listed.some((path) => path.startsWith("cache/"))).toBe(false);
    expect(local.packed).toBe(false);
    expect(local.listed.some((path) => path.startsWith("attachments/"))).toBe(true);
  });

  describe("restore's refusals leave the target as it was", () => {
    let target: string;
    let snapshot: Record<string, string>;

    beforeAll(async () => {
      // A set-up, stopped directory with a database and media of its own.
      target = join(scratch.path, "target");
      mkdirSync(target);
      copyFileSync(join(bob.dataDir, "hearth.db"), join(target, "hearth.db"));
      mkdirSync(join(target, "media"));
      writeFileSync(join(target, "media", "kept.png"), await twoColours(8, 8).png().toBuffer());
      snapshot = snapshotOf(target);
    });

    const refused = async (file: string, sentence: RegExp | string) => {
      const result = await runCliHere(["restore", file, "--data-dir", target]);
      expect(result.code).toBe(1);
      const lines = result.stderr.split("\n").filter((line) => line.startsWith("hearth:"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(sentence);
      expect(snapshotOf(target)).toEqual(snapshot);
      // Nothing is left beside it either.
      expect(readdirSync(scratch.path).filter((name) => name.startsWith("target."))).toEqual([]);
    };

    it("refuses a file that is not a Hearth backup", async () => {
      const text = join(scratch.path, "notes.txt");
      writeFileSync(text, "These are my notes, not a backup.\n");
      await refused(text, "is not a Hearth backup");
      // A tar.gz of something else: readable, but no manifest of ours.
      const other = join(scratch.path, "other");
      mkdirSync(other);
      writeFileSync(join(other, "hearth.db"), "not a database");
      const otherFile = join(scratch.path, "other.tar.gz");
      await repack(other, otherFile);
      await refused(otherFile, "is not a Hearth backup (it has no Hearth manifest)");
    });

    it("refuses a backup cut short", async () => {
      const truncated = join(scratch.path, "cut.tar.gz");
      const bytes = readFileSync(backupFile);
      writeFileSync(truncated, bytes.subarray(0, bytes.length - 200));
      await refused(truncated, "is cut short");
    });

    it("refuses a backup from a newer Hearth", async () => {
      const unpacked = join(scratch.path, "newer");
      mkdirSync(unpacked);
      await unpackRaw(backupFile, unpacked);
      const manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8")) as { migrations: string[]; hearthVersion: string };
      manifest.migrations.push("9999-from-the-future");
      manifest.hearthVersion = "9.0.0";
      writeFileSync(join(unpacked, "manifest.json"), JSON.stringify(manifest));
      const newer = join(scratch.path, "newer.tar.gz");
      await repack(unpacked, newer);
      await refused(newer, "was made by a newer Hearth (9.0.0, with schema change 9999-from-the-future); install that version or newer");
    });

    it("restores a good backup into it, keeping what it replaced beside it (the positive control)", async () => {
      const result = await runCliHere(["restore", backupFile, "--data-dir", target]);
      expect(result.code).toBe(0);
      const names = readdirSync(target);
      const keptDatabase = names.find((name) => /^hearth\.db\.before-restore-[\dTZ-]+$/.test(name));
      const keptMedia = names.find((name) => /^media\.before-restore-[\dTZ-]+$/.test(name));
      expect(keptDatabase).toBeDefined();
      expect(keptMedia).toBeDefined();
      const now = snapshotOf(target);
      expect(now[`${keptDatabase}`]).toBe(snapshot["hearth.db"]);
      expect(now[`${keptMedia}/kept.png`]).toBe(snapshot["media/kept.png"]);
      expect(now["hearth.db"]).not.toBe(snapshot["hearth.db"]);
    });
  });
});
