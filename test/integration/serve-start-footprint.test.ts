import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHearth, serveHearth } from "../helpers/hearth-cli.ts";

const RECORDER = fileURLToPath(new URL("../fixtures/record-loaded-modules.mjs", import.meta.url));

/** The packages a started server must not have loaded: each belongs to work that may never come (issue #19). */
const LOADED_ON_FIRST_USE = ["sharp", "blurhash", "web-push", "file-type", "tar", "yazl", "yauzl", "qrcode", "cloudflared", "sanitize-html", "postcss"];

function packagesIn(urls: readonly string[]): Set<string> {
  const names = urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name) => name !== undefined);
  return new Set(names);
}

describe("a started hearth serve has loaded only what serving needs", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "hearth-footprint-"));
    const setUp = await runHearth(["setup", "--data-dir", dataDir, "--username", "alice", "--password-stdin"], { stdin: "a long enough password\n" });
    expect(setUp.code).toBe(0);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("answers requests without having loaded image processing, Web Push, upload sniffing, backups, archives, QR codes, the tunnel (off here) or the HTML sanitiser", async () => {
    const record = join(dataDir, "loaded-modules.txt");
    const serving = await serveHearth(["--data-dir", dataDir], { env: { NODE_OPTIONS: `--import ${RECORDER}`, RECORD_LOADED_MODULES_TO: record } });
    try {
      expect((await fetch(`${serving.localUrl}/healthz`)).ok).toBe(true);
      // Not /api/v1/instance: on a new instance it makes the VAPID key pair, which is web-push's first use.
      expect((await fetch(`${serving.localUrl}/nodeinfo/2.1`)).ok).toBe(true);
    } finally {
      expect(await serving.stop()).toBe(0);
    }
    const loaded = packagesIn(readFileSync(record, "utf8").split("\n"));
    // The positive control: the record holds what serving did load, so an empty one cannot pass.
    for (const used of ["better-sqlite3", "kysely", "hono", "@fedify/fedify"]) expect(loaded, used).toContain(used);
    for (const unused of LOADED_ON_FIRST_USE) expect(loaded, unused).not.toContain(unused);
  });
});
