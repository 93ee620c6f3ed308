import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHearthClient } from "../../main/hearth-client.ts";
import { preferencesTokenStore, type TokenCipher } from "../../main/owner-token.ts";
import { pausePublishing, resumePublishing } from "../../main/publishing.ts";
import { entryEnvironment, nodeChildLauncher } from "../../main/server-launchers.ts";
import { superviseProcess, type ServerExit, type SpawnedProcess } from "../../main/server-process.ts";
import { createServerSupervisor, type ServerState, type ServerSupervisor } from "../../main/server-supervisor.ts";
import { preferencesFile } from "../../main/shell-preferences.ts";
import { createShellSession, type ShellSession } from "../../main/shell-session.ts";
import { statusLine, trayModel, type ShellStatus } from "../../main/tray-model.ts";
import { runHearth } from "../helpers/hearth-cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// The desktop shell's server side, with everything but Electron real: main/server-entry.ts runs `hearth
// serve` in a child process (on this Node, as `npm start` runs it on the pinned one), the supervisor
// restarts it, the session asks it for the owner's token and the tunnel's state, and the tray model says
// what a person would see. cloudflared is the stand-in of the tunnel tests.
const ENTRY = fileURLToPath(new URL("../../main/server-entry.ts", import.meta.url));
const CLI = fileURLToPath(new URL("../../server/cli.ts", import.meta.url));
const STAND_IN = fileURLToPath(new URL("../fixtures/cloudflared-stand-in.mjs", import.meta.url));
const noKeychain: TokenCipher = { isAvailable: () => false, encrypt: () => Buffer.alloc(0), decrypt: () => "" };

describe("the desktop shell and its server process", () => {
  let dataDir: { path: string; remove(): void };
  let userData: { path: string; remove(): void };
  let supervisor: ServerSupervisor | undefined;
  let session: ShellSession | undefined;

  beforeEach(() => {
    dataDir = makeTempDir("desktop-data");
    userData = makeTempDir("desktop-user-data");
  });
  afterEach(async () => {
    session?.stop();
    await supervisor?.stop();
    session = undefined;
    supervisor = undefined;
    dataDir.remove();
    userData.remove();
  });

  function startShell(serveArgs: string[], env: NodeJS.ProcessEnv = {}) {
    const launch = nodeChildLauncher({ nodeBinary: process.execPath, entryPath: ENTRY, env: entryEnvironment({ ...process.env, ...env }, CLI, serveArgs) });
    const spawned: SpawnedProcess[] = [];
    let tokensIssued = 0;
    const exits: ServerExit[] = [];
    const states: ServerState[] = [];
    supervisor = createServerSupervisor({
      launch: () => {
        const process = launch();
        spawned.push(process);
        const handle = superviseProcess(process);
        void handle.exited.then((exit) => exits.push(exit));
        return { ...handle, issueToken: () => (tokensIssued++, handle.issueToken()) };
      },
      policy: { initialDelayMs: 100, maxDelayMs: 1_000, maxCrashes: 3, windowMs: 60_000 },
    });
    supervisor.onState((state) => states.push(state));
    const preferences = preferencesFile(join(userData.path, "shell-preferences.json"));
    let status: ShellStatus | undefined;
    session = createShellSession({
      supervisor,
      preferences,
      tokenStore: preferencesTokenStore(preferences, noKeychain),
      startAtLogin: () => ({ isSupported: false, isEnabled: false }),
      pollMs: 200,
      onStatus: (next) => (status = next),
    });
    supervisor.start();
    return {
      supervisor,
      session,
      preferences,
      spawned,
      states,
      exits,
      tokensIssued: () => tokensIssued,
      line: () => (status ? statusLine(status, Date.now()) : ""),
      status: () => status,
    };
  }

  async function setUp(): Promise<void> {
    const setup = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "alice", "--password-stdin"], { stdin: "correct horse battery staple\n" });
    expect(setup.code).toBe(0);
  }

  it("shows the tunnel's public address in the tray, copies the handle, pauses and resumes publishing", async () => {
    await setUp();
    const shell = startShell(["--data-dir", dataDir.path, "--port", "0", "--tunnel", "quick"], { CLOUDFLARED_BIN: STAND_IN });
    const online = await waitFor(() => /^Online at (\S+\.trycloudflare\.com) \(a try-out address\)$/.exec(shell.line())?.[1], {
      timeoutMs: 40_000,
      what: "the tray to show the quick tunnel's address",
    });
    await waitFor(() => shell.status()?.handle, { what: "the handle" });
    await waitFor(() => shell.status()?.backup, { what: "the backups' state" });
    expect(shell.status()?.handle).toBe(`@alice@${online}`);
    const labels = trayModel(shell.status()!, Date.now()).items.flatMap((item) => ("label" in item ? [item.label] : []));
    expect(labels).toEqual([
      `Online at ${online} (a try-out address)`,
      "⚠ No backup yet: set one up in Settings → Backups",
      "Open Hearth",
      `Copy my handle (@alice@${online})`,
      "Pause publishing",
      "Quit Hearth",
    ]);

    const client = shell.session.client();
    if (!client) throw new Error("the shell has no API client");
    await pausePublishing(client, shell.preferences);
    await shell.session.refresh();
    expect(shell.line()).toBe("Publishing paused: only this computer reaches Hearth");
    expect(shell.preferences.read().pausedTunnelMode).toBe("quick");
    expect((await client.tunnel()).mode).toBe("off");

    await resumePublishing(client, shell.preferences);
    await waitFor(() => shell.line().startsWith("Online at "), { timeoutMs: 40_000, what: "publishing to resume" });
    expect(shell.preferences.read().pausedTunnelMode).toBeNull();
  });

  it("keeps the server's compiled code in the folder the shell names, not in the system's temporary folder", async () => {
    const cache = join(userData.path, "compile-cache");
    const shell = startShell(["--data-dir", dataDir.path, "--port", "0"], { HEARTH_COMPILE_CACHE: cache });
    await waitFor(() => shell.line() === "Finish setting up Hearth in its window", { timeoutMs: 30_000, what: "the first-run state" });
    // Serve writes what it compiled once it serves (server/compile-cache.ts): a folder per Node version in it.
    await waitFor(() => existsSync(cache) && readdirSync(cache).some((entry) => entry.startsWith(`v${process.versions.node}`)), { what: "the compile cache" });
  });

  it("gets one owner token, once there is an owner, and keeps it across restarts of the shell", async () => {
    const shell = startShell(["--data-dir", dataDir.path, "--port", "0"]);
    await waitFor(() => shell.line() === "Finish setting up Hearth in its window", { timeoutMs: 30_000, what: "the first-run state" });
    expect(shell.tokensIssued()).toBe(0);
    // Set up as the first-run wizard does, through the running server (a second process may not open its directory).
    const { localUrl } = shell.supervisor.state() as { localUrl: string };
    const setup = await fetch(`${localUrl}/api/hearth/setup`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "alice", password: "correct horse battery staple" }),
    });
    expect(setup.status).toBe(200);
    await waitFor(() => shell.line() === "Not published: only this computer reaches Hearth", { timeoutMs: 30_000, what: "the token and the tunnel state" });
    expect(shell.tokensIssued()).toBe(1);
    const token = preferencesTokenStore(shell.preferences, noKeychain).load();
    expect(token).toMatch(/\S{20,}/);
    const me = await createHearthClient({ baseUrl: (shell.supervisor.state() as { localUrl: string }).localUrl, token }).verifyCredentials();
    expect(me.username).toBe("alice");

    session?.stop();
    await supervisor?.stop();
    const again = startShell(["--data-dir", dataDir.path, "--port", "0"]);
    await waitFor(() => again.line() === "Not published: only this computer reaches Hearth", { timeoutMs: 30_000, what: "the second start" });
    expect(again.tokensIssued()).toBe(0);
    expect(again.session.client()).not.toBeNull();
  });

  it("restarts the server after it crashes, and on quit stops it gracefully with the database closed", async () => {
    await setUp();
    const shell = startShell(["--data-dir", dataDir.path, "--port", "0"]);
    await waitFor(() => shell.supervisor.state().phase === "running", { timeoutMs: 30_000, what: "the server to run" });
    // SIGKILL: a crash, with no chance to clean up.
    shell.spawned[0]?.kill();
    await waitFor(() => shell.spawned.length === 2 && shell.supervisor.state().phase === "running", { timeoutMs: 30_000, what: "the restart" });
    expect(shell.states.map((state) => state.phase)).toEqual(["starting", "running", "restarting", "starting", "running"]);

    session?.stop();
    await shell.supervisor.stop();
    expect(shell.supervisor.state()).toEqual({ phase: "stopped" });
    expect(shell.exits).toEqual([
      { code: null, signal: "SIGKILL", wasReady: true, failure: null },
      { code: 0, signal: null, wasReady: true, failure: null },
    ]);
    const log = readFileSync(join(dataDir.path, "logs", "hearth.log"), "utf8");
    expect(log).toContain("Hearth stopped; the database is closed.");
    // A clean close checkpoints SQLite's write-ahead log and removes it.
    expect(existsSync(join(dataDir.path, "hearth.db-wal"))).toBe(false);
  });

  it("reports a refusal to start at once, in the CLI's words, rather than restarting in a loop", async () => {
    await setUp();
    const first = startShell(["--data-dir", dataDir.path, "--port", "0"]);
    await waitFor(() => first.supervisor.state().phase === "running", { timeoutMs: 30_000, what: "the first server" });
    const port = new URL((first.supervisor.state() as { localUrl: string }).localUrl).port;
    const firstSupervisor = supervisor;
    const firstSession = session;

    const other = makeTempDir("desktop-other");
    try {
      const second = startShell(["--data-dir", other.path, "--port", port]);
      await waitFor(() => second.supervisor.state().phase === "failed", { timeoutMs: 30_000, what: "the second server to give up" });
      expect(second.spawned).toHaveLength(1);
      expect(second.line()).toMatch(new RegExp(`^Hearth has stopped: Port ${port} on 127\\.0\\.0\\.1 is already in use`));
      session?.stop();
      await supervisor?.stop();
    } finally {
      other.remove();
      supervisor = firstSupervisor;
      session = firstSession;
    }
  });
});
