import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configure, reset, type LogRecord } from "@logtape/logtape";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { insertLocalAccount, prepareLocalAccount } from "../../server/core/accounts/accounts.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { startInstance, type RunningInstance } from "../../server/index.ts";
import type { TunnelState, TunnelStatus } from "../../server/tunnel/status.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

const STAND_IN = new URL("../fixtures/cloudflared-stand-in.mjs", import.meta.url).pathname;
// Small waits so that a restart takes milliseconds; the order of events is what the tests check, not the time.
const TIMING = { initialBackoffMs: 50, maxBackoffMs: 200, readyPollMs: 100, connectionLossGraceMs: 300, connectTimeoutMs: 20_000, stopTimeoutMs: 2_000 };

interface StandInState {
  pid: number;
  argv: string[];
  hasTokenInEnvironment: boolean;
  publicUrl: string;
  forwardUrl: string;
}

/** A token shaped as the Cloudflare dashboard hands them out: base64 of {a, t, s}. */
function tunnelToken(secret: string): { token: string; secret: string; tunnelId: string } {
  const tunnelId = randomUUID();
  const s = Buffer.from(secret).toString("base64");
  const token = Buffer.from(JSON.stringify({ a: "5ab4e9dfbd435d24068829fda0077963", t: tunnelId, s })).toString("base64");
  return { token, secret: s, tunnelId };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the Cloudflare tunnel, with a stand-in cloudflared", () => {
  let dataDir: { path: string; remove(): void };
  let instance: RunningInstance | undefined;
  let states: TunnelState[];

  beforeEach(() => {
    dataDir = makeTempDir("tunnel");
    states = [];
  });
  afterEach(async () => {
    await instance?.close();
    instance = undefined;
    delete process.env.STAND_IN_VALID_SECRET;
    dataDir.remove();
  });

  async function setUpOwner(publicOrigin?: string): Promise<string> {
    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      const core = createCoreContext(database.db, systemClock);
      const { owner } = await setupInstance(core, { username: "alice", password: "correct horse battery staple", publicOrigin });
      return (await issueCliToken(core, owner.id, ["read", "write"])).token;
    } finally {
      await database.close();
    }
  }

  async function start(tunnel: { mode: "quick" | "named"; hostname?: string; token?: string }): Promise<RunningInstance> {
    const rendererDir = join(dataDir.path, "renderer-not-built");
    mkdirSync(rendererDir, { recursive: true });
    instance = await startInstance({
      dataDir: dataDir.path,
      port: 0,
      rendererDir,
      tunnel: { ...tunnel, cloudflaredBin: STAND_IN, timing: TIMING },
    });
    instance.tunnel.onStatus((status) => {
      if (states.at(-1) !== status.state) states.push(status.state);
    });
    return instance;
  }

  function standIn(): StandInState | undefined {
    const path = join(dataDir.path, "tunnel", "stand-in.json");
    return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as StandInState) : undefined;
  }

  // The stand-in registers four edge connections, as cloudflared does; their lines may arrive in more than one read.
  const connected = (running: RunningInstance, what = "the tunnel to connect") =>
    waitFor(
      () => {
        const status = running.tunnel.status();
        return status.state === "connected" && status.connections === 4 ? status : undefined;
      },
      { timeoutMs: 20_000, what },
    );

  async function tunnelApi(running: RunningInstance, token: string, init: RequestInit = {}) {
    const response = await fetch(`${running.localUrl}/api/hearth/tunnel`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
    return { status: response.status, text: await response.text() };
  }

  it("publishes a quick try-out address and serves Hearth through it with Cloudflare's headers", async () => {
    const token = await setUpOwner();
    const running = await start({ mode: "quick" });
    const status = await connected(running);
    const cloudflared = standIn();
    expect(cloudflared).toBeDefined();
    expect(status).toMatchObject({ mode: "quick", publicUrl: cloudflared?.publicUrl, isTryOut: true, connections: 4, cloudflaredVersion: "2025.8.1" });
    expect(status.publicUrl).toMatch(/^https:\/\/[a-z0-9-]+\.trycloudflare\.com$/);
    expect(running.publicUrl).toBe(status.publicUrl);

    // Our own config and no self-update, whatever ~/.cloudflared holds; the quick tunnel points at the tunnel's own listener.
    const configPath = join(dataDir.path, "tunnel", "cloudflared.yml");
    expect(running.tunnelServiceUrl).not.toBe(running.localUrl);
    expect(cloudflared?.argv).toEqual(["tunnel", "--config", configPath, "--no-autoupdate", "--metrics", "127.0.0.1:0", "--loglevel", "info", "--url", running.tunnelServiceUrl]);
    expect(readFileSync(configPath, "utf8")).toMatch(/^no-autoupdate: true$/m);

    const health = await fetch(`${cloudflared?.forwardUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", setUp: true });

    // Through the tunnel everything comes from loopback, and loopback is not the owner.
    const anonymous = await fetch(`${cloudflared?.forwardUrl}/api/hearth/tunnel`);
    expect(anonymous.status).toBe(401);

    const api = await tunnelApi(running, token);
    expect(api.status).toBe(200);
    expect(JSON.parse(api.text)).toMatchObject({
      mode: "quick",
      state: "connected",
      public_url: status.publicUrl,
      is_try_out: true,
      warning: expect.stringMatching(/^This is a try-out address: it changes every time Hearth starts/),
      connections: 4,
      cloudflared_version: "2025.8.1",
      has_token: false,
      local_service_url: running.tunnelServiceUrl,
    });
  });

  it("restarts cloudflared with backoff when it dies, and when it loses every connection", async () => {
    await setUpOwner();
    const running = await start({ mode: "quick" });
    const first = await connected(running);
    const firstPid = standIn()?.pid ?? 0;

    process.kill(firstPid, "SIGKILL");
    const second = await waitFor(
      () => {
        const status = running.tunnel.status();
        return status.state === "connected" && standIn()?.pid !== firstPid ? status : undefined;
      },
      { timeoutMs: 20_000, what: "cloudflared to be restarted" },
    );
    expect(states).toEqual(["starting", "connected", "reconnecting", "connected"]);
    expect(second.restarts).toBe(1);
    // A new quick tunnel is a new address, and the instance answers as it.
    expect(second.publicUrl).not.toBe(first.publicUrl);
    expect(running.publicUrl).toBe(second.publicUrl);

    const secondPid = standIn()?.pid ?? 0;
    process.kill(secondPid, "SIGUSR1");
    const third = await waitFor(
      () => {
        const status = running.tunnel.status();
        return status.state === "connected" && standIn()?.pid !== secondPid ? status : undefined;
      },
      { timeoutMs: 20_000, what: "cloudflared to be restarted after losing its connections" },
    );
    // While cloudflared reports its connections going one by one, a loaded machine may see it ready once more
    // before the restart: the status can flap, but it only ever moves between these two, and ends connected.
    expect(states.slice(3, 5)).toEqual(["connected", "reconnecting"]);
    expect(new Set(states.slice(3))).toEqual(new Set(["connected", "reconnecting"]));
    expect(states.at(-1)).toBe("connected");
    expect(third.restarts).toBe(2);
    await waitFor(() => !isAlive(secondPid), { what: "the disconnected cloudflared to be stopped" });
  });

  it("fails with the reason when Cloudflare refuses the token, and the token shows nowhere", async () => {
    const records: LogRecord[] = [];
    await configure({
      reset: true,
      sinks: { memory: (record) => records.push(record) },
      loggers: [{ category: ["hearth"], lowestLevel: "debug", sinks: ["memory"] }, { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] }],
    });
    try {
      const ownerToken = await setUpOwner();
      process.env.STAND_IN_VALID_SECRET = tunnelToken("the right secret, not this one").secret;
      const { token, secret, tunnelId } = tunnelToken("a secret Cloudflare does not know");
      const running = await start({ mode: "named", hostname: "hearth.example", token });

      const failed = await waitFor(() => (running.tunnel.status().state === "failed" ? running.tunnel.status() : undefined), {
        timeoutMs: 20_000,
        what: "the tunnel to fail",
      });
      expect(failed.reason).toBe("Cloudflare refused the tunnel token (Unauthorized: Invalid tunnel secret); copy the token again from the Cloudflare dashboard.");
      expect(states).toEqual(["starting", "failed"]);
      const cloudflared = standIn();
      await waitFor(() => !isAlive(cloudflared?.pid ?? 0), { what: "the refused cloudflared to be stopped" });
      // In the environment, never on the command line.
      expect(cloudflared?.hasTokenInEnvironment).toBe(true);
      expect(cloudflared?.argv.join(" ")).not.toContain(token);
      expect(cloudflared?.argv.at(-1)).toBe("run");

      const api = await tunnelApi(running, ownerToken);
      expect(JSON.parse(api.text)).toMatchObject({ mode: "named", state: "failed", hostname: "hearth.example", has_token: true, tunnel_id: tunnelId });

      // The stand-in prints the token in its Settings line, as older cloudflared did: it was redacted.
      const logged = records.map((record) => record.message.map(String).join("")).join("\n");
      expect(logged).toContain("Settings: map[");
      expect(logged).toContain("token:[redacted]");
      for (const text of [logged, api.text, JSON.stringify(failed satisfies TunnelStatus)]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(secret);
      }
    } finally {
      await reset();
    }
  });

  it("fixes the named hostname as the address, and refuses to move the instance to another", async () => {
    const ownerToken = await setUpOwner();
    const { token, secret } = tunnelToken("the one secret that works");
    process.env.STAND_IN_VALID_SECRET = secret;
    const running = await start({ mode: "named", hostname: "https://Hearth.Example/", token });
    const status = await connected(running);
    expect(status).toMatchObject({ mode: "named", publicUrl: "https://hearth.example", isTryOut: false, connections: 4 });
    expect(running.publicUrl).toBe("https://hearth.example");

    const moved = await tunnelApi(running, ownerToken, { method: "PUT", body: JSON.stringify({ hostname: "elsewhere.example" }) });
    expect(moved.status).toBe(422);
    expect(JSON.parse(moved.text).error).toMatch(/^This instance's address is https:\/\/hearth\.example; it cannot become https:\/\/elsewhere\.example/);
    const quick = await tunnelApi(running, ownerToken, { method: "PUT", body: JSON.stringify({ mode: "quick" }) });
    expect(quick.status).toBe(422);
    expect(JSON.parse(quick.text).error).toMatch(/a quick tunnel would publish it under a different, temporary address/);
    const garbage = await tunnelApi(running, ownerToken, { method: "PUT", body: JSON.stringify({ token: "not a token" }) });
    expect(garbage.status).toBe(422);
    expect(JSON.parse(garbage.text).error).toMatch(/^That is not a Cloudflare tunnel token/);

    // Turning the tunnel off stops cloudflared; the address stays what it is.
    const pid = standIn()?.pid ?? 0;
    const off = await tunnelApi(running, ownerToken, { method: "PUT", body: JSON.stringify({ mode: "off" }) });
    expect(off.status).toBe(200);
    expect(off.text).not.toContain(token);
    await waitFor(() => running.tunnel.status().state === "off" && !isAlive(pid), { what: "the tunnel to stop" });
    expect(running.publicUrl).toBe("https://hearth.example");
  });

  it("answers GET /api/hearth/tunnel to the owner only, and checks what it is given", async () => {
    const ownerToken = await setUpOwner();
    const running = await start({ mode: "quick" });
    expect((await fetch(`${running.localUrl}/api/hearth/tunnel`)).status).toBe(401);

    const member = await insertLocalAccount(running.core, running.core.db, await prepareLocalAccount({ username: "bob", password: "another long password", role: "member" }));
    const memberToken = (await issueCliToken(running.core, member.id, ["read", "write"])).token;
    const refused = await tunnelApi(running, memberToken);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toEqual({ error: "Only the owner of this instance can see or change its tunnel." });

    const sideways = await tunnelApi(running, ownerToken, { method: "PUT", body: JSON.stringify({ mode: "sideways" }) });
    expect(sideways.status).toBe(422);
    expect(JSON.parse(sideways.text)).toEqual({ error: "mode must be one of: off, quick, named." });
    const named = await tunnelApi(running, ownerToken, { method: "PUT", body: JSON.stringify({ mode: "named", hostname: "hearth.example" }) });
    expect(named.status).toBe(422);
    expect(JSON.parse(named.text).error).toMatch(/^A named tunnel needs its token/);
  });
});
