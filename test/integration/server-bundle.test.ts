// The server bundle (`npm run build:server`, build/bundle-server.ts) is what `hearth serve` runs once built:
// it must serve as the sources do. Bundled here into a folder of its own, beside the project's package.json
// and node_modules as server-bundle/ sits in the project, so the test neither needs nor touches a real build.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_COMPILE_CACHE, BUNDLE_DIR_NAME, BUNDLE_ENTRY, BUNDLE_STAMP, cliModule, freshBundle } from "../../bin/server-bundle.js";
import { bundleServer } from "../../build/bundle-server.ts";
import { runHearth, serveHearth } from "../helpers/hearth-cli.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RECORDER = fileURLToPath(new URL("../fixtures/record-loaded-modules.mjs", import.meta.url));

describe("the server bundle", () => {
  let work: string;
  let root: string;
  let entry: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "hearth-bundle-"));
    root = join(work, "root");
    mkdirSync(root);
    symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"));
    symlinkSync(join(ROOT, "package.json"), join(root, "package.json"));
    // The `hearth` command beside the bundle, copied (a symlink would resolve to the project's own bundle).
    mkdirSync(join(root, "bin"));
    for (const file of ["hearth.js", "server-bundle.js", "server-node-flags.js"]) copyFileSync(join(ROOT, "bin", file), join(root, "bin", file));
    const { outDir, modules } = await bundleServer({ root: ROOT, outDir: join(root, BUNDLE_DIR_NAME), warmCompileCache: true });
    expect(modules).toBeGreaterThan(100);
    entry = join(outDir, BUNDLE_ENTRY);
  }, 240_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("sets up an instance, serves /healthz and answers the Mastodon API with a token it issued", async () => {
    const dataDir = join(work, "data");
    const setUp = await runHearth(["setup", "--data-dir", dataDir, "--username", "alice", "--password-stdin"], { stdin: "a long enough password\n", entry });
    expect(setUp.code, setUp.stderr).toBe(0);
    const issued = await runHearth(["token", "--data-dir", dataDir, "--scopes", "read"], { entry });
    expect(issued.code, issued.stderr).toBe(0);
    const token = issued.stdout.trim();

    const serving = await serveHearth(["--data-dir", dataDir], { entry });
    try {
      expect((await fetch(`${serving.localUrl}/healthz`)).status).toBe(200);
      const me = await fetch(`${serving.localUrl}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { username: string }).username).toBe("alice");
      // The refusal beside it: the bundle's auth is the real one, not an open door.
      const stranger = await fetch(`${serving.localUrl}/api/v1/accounts/verify_credentials`, { headers: { Authorization: "Bearer not-a-token" } });
      expect(stranger.status).toBe(401);
      // Read through import.meta.url beside the bundle (server/http/assets, copied there): the stand-in avatar.
      const avatar = await fetch(`${serving.localUrl}/avatars/original/missing.png`);
      expect(avatar.status).toBe(200);
      expect(new Uint8Array(await avatar.arrayBuffer()).subarray(1, 4)).toEqual(new TextEncoder().encode("PNG"));
    } finally {
      expect(await serving.stop()).toBe(0);
    }
    expect(serving.output().stderr).not.toMatch(/Error|Cannot find/);
  });

  it("loads jsonld from node_modules when a document is first compacted, not at start (issue #19)", async () => {
    const dataDir = join(work, "data-lazy-jsonld");
    const setUp = await runHearth(["setup", "--data-dir", dataDir, "--username", "alice", "--password-stdin"], { stdin: "a long enough password\n", entry });
    expect(setUp.code, setUp.stderr).toBe(0);
    const jsonldLoaded = async (actorDocument: boolean): Promise<boolean> => {
      const record = join(dataDir, `loaded-modules-${actorDocument}.txt`);
      const serving = await serveHearth(["--data-dir", dataDir], { entry, env: { NODE_OPTIONS: `--import ${RECORDER}`, RECORD_LOADED_MODULES_TO: record } });
      try {
        expect((await fetch(`${serving.localUrl}/healthz`)).status).toBe(200);
        if (actorDocument) {
          // Fedify compacts the actor with jsonld: the stand-in in the bundle must hand it the real one.
          const actor = await fetch(`${serving.localUrl}/users/alice`, { headers: { Accept: "application/activity+json" } });
          expect(actor.status).toBe(200);
          const document = (await actor.json()) as { "@context": unknown; preferredUsername: string };
          expect(document.preferredUsername).toBe("alice");
          expect(document["@context"]).toContain("https://www.w3.org/ns/activitystreams");
        }
      } finally {
        expect(await serving.stop()).toBe(0);
      }
      return readFileSync(record, "utf8").split("\n").some((url) => url.includes("/node_modules/jsonld/"));
    };
    expect(await jsonldLoaded(false)).toBe(false);
    // The control: the record does show jsonld once a document needed it, so the first answer cannot pass by
    // a record that never names it.
    expect(await jsonldLoaded(true)).toBe(true);
  }, 60_000);

  it("is built with its compile cache filled, which the first `hearth serve` after the build uses for every module it loads", async () => {
    expect(readdirSync(join(root, BUNDLE_DIR_NAME, BUNDLE_COMPILE_CACHE))).not.toEqual([]);
    const dataDir = join(work, "data-compile-cache");
    const setUp = await runHearth(["setup", "--data-dir", dataDir, "--username", "alice", "--password-stdin"], { stdin: "a long enough password\n", entry });
    expect(setUp.code, setUp.stderr).toBe(0);
    // Node says, for each module it loads with the cache on, where it read the cache and whether V8 took it.
    const serving = await serveHearth(["--data-dir", dataDir], { entry: join(root, "bin", "hearth.js"), env: { NODE_DEBUG_NATIVE: "COMPILE_CACHE" } });
    expect(await serving.stop()).toBe(0);
    const lines = serving.output().stderr.split("\n");
    const bundleFile = /for ESM file:\/\/\S+\/server-bundle\/(\S+?\.m?js)\.\.\./;
    const read = lines.filter((line) => line.includes("reading cache from") && bundleFile.test(line));
    // The control: the log holds the bundle's modules (the entry, the server's chunks), so an empty one cannot pass.
    expect(read.map((line) => bundleFile.exec(line)![1])).toContain(BUNDLE_ENTRY);
    expect(read.length).toBeGreaterThan(10);
    for (const line of read) {
      expect(line).toContain(`${root}/${BUNDLE_DIR_NAME}/${BUNDLE_COMPILE_CACHE}/`);
      expect(line).toMatch(/\.\.\. success, size=/);
    }
    const accepted = lines.filter((line) => /server-bundle\/\S+ was accepted/.test(line));
    expect(accepted.length).toBe(read.length);
  }, 60_000);

  it("is ASCII in every file Node loads, so each is read into a one-byte string rather than decoded as UTF-8 into a two-byte one (issue #19)", () => {
    const files = readdirSync(join(root, BUNDLE_DIR_NAME)).filter((name) => /\.m?js$/.test(name));
    // The control: the chunks are there, Fedify's among them with its emoji (a reaction's ❤), written or escaped.
    expect(files.length).toBeGreaterThan(10);
    const sources = files.map((name) => readFileSync(join(root, BUNDLE_DIR_NAME, name), "utf8"));
    expect(sources.some((source) => source.includes("\\u2764") || source.includes("\u2764"))).toBe(true);
    const nonAscii = files.filter((_, index) => /[\u0080-\uffff]/.test(sources[index]!));
    expect(nonAscii).toEqual([]);
  });
});

describe("which module runs the hearth command", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "hearth-bundle-choice-"));
    mkdirSync(join(root, "server", "core"), { recursive: true });
    mkdirSync(join(root, BUNDLE_DIR_NAME));
    writeFileSync(join(root, "package.json"), "{}\n");
    writeFileSync(join(root, "server", "cli.ts"), "\n");
    writeFileSync(join(root, "server", "core", "ids.ts"), "\n");
    writeFileSync(join(root, BUNDLE_DIR_NAME, BUNDLE_ENTRY), "\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function at(path: string, seconds: number): void {
    utimesSync(path, seconds, seconds);
  }

  it("is the bundle when it was built after every source", () => {
    for (const file of ["package.json", "server/cli.ts", "server/core/ids.ts"]) at(join(root, file), 1_000);
    writeFileSync(join(root, BUNDLE_DIR_NAME, BUNDLE_STAMP), "built\n");
    at(join(root, BUNDLE_DIR_NAME, BUNDLE_STAMP), 2_000);
    expect(freshBundle(root)).toBe(join(root, BUNDLE_DIR_NAME, BUNDLE_ENTRY));
    expect(cliModule(root)).toBe(join(root, BUNDLE_DIR_NAME, BUNDLE_ENTRY));
  });

  it("is the sources when one source, however deep, changed after the build", () => {
    writeFileSync(join(root, BUNDLE_DIR_NAME, BUNDLE_STAMP), "built\n");
    at(join(root, BUNDLE_DIR_NAME, BUNDLE_STAMP), 2_000);
    at(join(root, "server", "core", "ids.ts"), 3_000);
    expect(freshBundle(root)).toBeUndefined();
    expect(cliModule(root)).toBe(join(root, "server", "cli.ts"));
    at(join(root, "server", "core", "ids.ts"), 1_000);
  });

  it("is the sources when package.json changed after the build", () => {
    at(join(root, "package.json"), 3_000);
    expect(cliModule(root)).toBe(join(root, "server", "cli.ts"));
    at(join(root, "package.json"), 1_000);
  });

  it("is the sources when the build did not finish (no stamp)", () => {
    rmSync(join(root, BUNDLE_DIR_NAME, BUNDLE_STAMP), { force: true });
    expect(cliModule(root)).toBe(join(root, "server", "cli.ts"));
  });
});
