import dns from "node:dns";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dataDirCloudflaredPath, locateCloudflared, readCloudflaredVersion } from "../../server/tunnel/binary.ts";
import { UserError } from "../../server/user-error.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const STAND_IN = new URL("../fixtures/cloudflared-stand-in.mjs", import.meta.url).pathname;

describe("finding cloudflared", () => {
  let dataDir: { path: string; remove(): void };
  const realLookup = dns.lookup;
  beforeEach(() => {
    dataDir = makeTempDir("cloudflared-bin");
  });
  afterEach(() => {
    dns.lookup = realLookup;
    dataDir.remove();
  });

  it("uses the configured program and reports its version", async () => {
    expect(await locateCloudflared({ configuredPath: STAND_IN, dataDir: dataDir.path })).toBe(STAND_IN);
    expect(await readCloudflaredVersion(STAND_IN)).toBe("2025.8.1");
  });

  it("refuses a configured path with nothing there, with a sentence", async () => {
    const error = await locateCloudflared({ configuredPath: join(dataDir.path, "nope"), dataDir: dataDir.path }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^CLOUDFLARED_BIN is set to .*nope, but there is no program there; correct the path/);
  });

  it("uses the copy in the data directory without downloading", async () => {
    const path = dataDirCloudflaredPath(dataDir.path);
    mkdirSync(join(dataDir.path, "bin"));
    writeFileSync(path, "#!/bin/sh\n");
    chmodSync(path, 0o755);
    const install = () => Promise.reject(new Error("must not download"));
    expect(await locateCloudflared({ dataDir: dataDir.path, install })).toBe(path);
  });

  it("downloads into the data directory through a side file, reporting progress", async () => {
    const progress: number[] = [];
    const install = async (to: string) => {
      expect(to).toBe(`${dataDirCloudflaredPath(dataDir.path)}.download`);
      writeFileSync(to, "#!/bin/sh\necho cloudflared version 2025.1.0\n", { mode: 0o755 });
      return to;
    };
    const path = await locateCloudflared({ dataDir: dataDir.path, install, onProgress: (p) => progress.push(p.downloadedBytes) });
    expect(path).toBe(dataDirCloudflaredPath(dataDir.path));
    expect(progress.at(-1)).toBeGreaterThan(0);
    expect(readdirSync(join(dataDir.path, "bin"))).toEqual(["cloudflared"]);
  });

  it("says what to do when offline, with the package's real downloader, and leaves nothing half-written", async () => {
    // Offline as the machine sees it: no name resolves. The cloudflared package's install() then fails in
    // its https.get to github.com, exactly as on a computer without a network.
    dns.lookup = ((hostname: string, _options: unknown, callback?: unknown) => {
      const done = (typeof _options === "function" ? _options : callback) as (error: NodeJS.ErrnoException) => void;
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      error.code = "ENOTFOUND";
      process.nextTick(() => done(error));
    }) as typeof dns.lookup;
    const error = await locateCloudflared({ dataDir: dataDir.path }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      "Hearth could not download cloudflared, which the tunnel needs, because this computer cannot reach GitHub (ENOTFOUND); connect to the internet and start again, or install cloudflared yourself and set CLOUDFLARED_BIN to its path.",
    );
    expect(existsSync(`${dataDirCloudflaredPath(dataDir.path)}.download`)).toBe(false);
    expect(existsSync(dataDirCloudflaredPath(dataDir.path))).toBe(false);
  });
});
