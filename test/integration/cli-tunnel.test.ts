import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

const STAND_IN = new URL("../fixtures/cloudflared-stand-in.mjs", import.meta.url).pathname;

describe("hearth serve --tunnel", () => {
  let dataDir: { path: string; remove(): void };
  let serving: ServingHearth | undefined;

  beforeEach(() => {
    dataDir = makeTempDir("cli-tunnel");
  });
  afterEach(async () => {
    await serving?.stop();
    serving = undefined;
    dataDir.remove();
  });

  async function setUp(): Promise<string> {
    const setup = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "alice", "--password-stdin"], { stdin: "correct horse battery staple\n" });
    expect(setup.code).toBe(0);
    return (await runHearth(["token", "--data-dir", dataDir.path, "--scopes", "read"])).stdout.trim();
  }

  it("runs a named tunnel with the token from the environment, and the token appears in no output, log or answer", async () => {
    const apiToken = await setUp();
    const s = Buffer.from("a secret only cloudflared may see").toString("base64");
    const token = Buffer.from(JSON.stringify({ a: "5ab4e9dfbd435d24068829fda0077963", t: randomUUID(), s })).toString("base64");
    serving = await serveHearth(["--data-dir", dataDir.path, "--tunnel", "named", "--tunnel-hostname", "social.example", "--log-level", "debug"], {
      env: { HEARTH_TUNNEL_TOKEN: token, CLOUDFLARED_BIN: STAND_IN, STAND_IN_VALID_SECRET: s },
    });
    const running = serving;
    await waitFor(() => running.output().stdout.includes("Tunnel connected with 4 connections: https://social.example reaches this Hearth."), {
      timeoutMs: 30_000,
      what: "the tunnel to connect",
    });
    expect(running.output().stdout).toContain("(public address: https://social.example)");

    const api = await (await fetch(`${running.localUrl}/api/hearth/tunnel`, { headers: { Authorization: `Bearer ${apiToken}` } })).text();
    expect(JSON.parse(api)).toMatchObject({ mode: "named", state: "connected", hostname: "social.example", has_token: true });
    expect(await running.stop()).toBe(0);
    serving = undefined;

    const standIn = JSON.parse(readFileSync(join(dataDir.path, "tunnel", "stand-in.json"), "utf8")) as { argv: string[]; hasTokenInEnvironment: boolean };
    expect(standIn.hasTokenInEnvironment).toBe(true);
    const log = readFileSync(join(dataDir.path, "logs", "hearth.log"), "utf8");
    expect(log).toContain("token:[redacted]");
    for (const text of [running.output().stdout, running.output().stderr, log, api, standIn.argv.join(" ")]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(s);
    }
    // Kept in the database (cloudflared needs it as it is), so the next start needs no environment.
    const stored = readFileSync(join(dataDir.path, "hearth.db"));
    expect(stored.includes(Buffer.from(token))).toBe(true);
  });

  it("keeps serving locally and says why when cloudflared cannot be found", async () => {
    await setUp();
    serving = await serveHearth(["--data-dir", dataDir.path, "--tunnel", "quick"], { env: { CLOUDFLARED_BIN: join(dataDir.path, "no-cloudflared-here") } });
    const running = serving;
    const line = await waitFor(() => /^Tunnel failed: .*$/m.exec(running.output().stdout)?.[0], { what: "the tunnel to fail" });
    expect(line).toBe(
      `Tunnel failed: CLOUDFLARED_BIN is set to ${join(dataDir.path, "no-cloudflared-here")}, but there is no program there; correct the path, or unset it and Hearth will download cloudflared itself.`,
    );
    expect((await fetch(`${running.localUrl}/healthz`)).status).toBe(200);
  });

  it("refuses a named tunnel without its token, in one sentence", async () => {
    await setUp();
    const result = await runHearth(["serve", "--data-dir", dataDir.path, "--port", "0", "--tunnel", "named", "--tunnel-hostname", "social.example"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hearth: A named tunnel needs its token: copy it from the Cloudflare dashboard/);
  });
});
