import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { getLogger } from "@logtape/logtape";
import type { TunnelSettings } from "../core/instance/tunnel-settings.ts";
import { UserError } from "../user-error.ts";
import { localFetch } from "../net/fetch-routing.ts";
import { locateCloudflared, readCloudflaredVersion } from "./binary.ts";
import { type Cloudflared, lineSplitter, loadCloudflared, redact, secretsOfToken, spawnCloudflared } from "./cloudflared-process.ts";
import { parseCloudflaredLine, splitLine } from "./log-lines.ts";
import type { TunnelStatus, TunnelStatusListener, TunnelWatch } from "./status.ts";

const logger = getLogger(["hearth", "tunnel"]);
const cloudflaredLogger = getLogger(["hearth", "tunnel", "cloudflared"]);

export interface TunnelTiming {
  /** The first wait before a restart; it doubles on every failed start, up to maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** How often cloudflared's /ready is asked. */
  readyPollMs: number;
  /** How long a start may take to give a public address and a connection before it is retried. */
  connectTimeoutMs: number;
  /** How long cloudflared may try to win back lost connections by itself before it is restarted. */
  connectionLossGraceMs: number;
  /** How long cloudflared may take to shut down after SIGINT before it is killed. */
  stopTimeoutMs: number;
}

export const DEFAULT_TUNNEL_TIMING: TunnelTiming = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  readyPollMs: 2_000,
  connectTimeoutMs: 60_000,
  connectionLossGraceMs: 30_000,
  stopTimeoutMs: 5_000,
};

export interface TunnelManagerOptions {
  dataDir: string;
  /** The local server cloudflared forwards to. */
  localUrl: string;
  /** Read at every start, so a change of settings applies on restart(). */
  loadSettings(): Promise<TunnelSettings>;
  /** CLOUDFLARED_BIN. */
  cloudflaredBin?: string;
  /** Replaces the download from GitHub (tests). */
  install?: (to: string) => Promise<string>;
  timing?: Partial<TunnelTiming>;
}

export interface TunnelManager extends TunnelWatch {
  /** Starts the tunnel the stored settings ask for (nothing when off). */
  start(): void;
  /** Stops cloudflared and starts again with the settings as they are now. */
  restart(): Promise<void>;
  /** Stops cloudflared for good: start() and restart() do nothing afterwards. */
  stop(): Promise<void>;
}

interface RunOutcome {
  /** Set when retrying cannot help. */
  fatal: string | null;
  reason: string;
  wasConnected: boolean;
}

// Written into the data directory and handed to cloudflared with --config, so a user's own
// ~/.cloudflared/config.yml is never read. Not empty: cloudflared treats an empty file as no file.
const CONFIG_TEXT = `# Written by Hearth. cloudflared runs with this file rather than ~/.cloudflared/config.yml,
# whose tunnel and ingress settings would otherwise take over Hearth's tunnel.
no-autoupdate: true
`;

function initialStatus(): TunnelStatus {
  return {
    mode: "off",
    state: "off",
    publicUrl: null,
    isTryOut: false,
    connections: 0,
    reason: null,
    retryAt: null,
    restarts: 0,
    downloadedBytes: null,
    cloudflaredVersion: null,
    since: new Date().toISOString(),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

async function askReady(address: string, signal: AbortSignal): Promise<number | null> {
  try {
    // cloudflared's own metrics server on this machine: not a peer, so not behind the outgoing guard.
    const response = await localFetch(`http://${address}/ready`, { signal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]) });
    const body = (await response.json()) as { readyConnections?: unknown };
    if (typeof body.readyConnections === "number") return body.readyConnections;
    return response.ok ? null : 0;
  } catch {
    return null;
  }
}

export function createTunnelManager(options: TunnelManagerOptions): TunnelManager {
  const timing: TunnelTiming = { ...DEFAULT_TUNNEL_TIMING, ...options.timing };
  const configPath = join(options.dataDir, "tunnel", "cloudflared.yml");
  const listeners = new Set<TunnelStatusListener>();
  let status = initialStatus();
  let generation = 0;
  let running: Promise<void> | null = null;
  let stopWaiting = new AbortController();
  let killCurrent: ((reason: string) => void) | null = null;
  let isClosed = false;

  function update(change: Partial<TunnelStatus>): void {
    const next = { ...status, ...change };
    if (change.state !== undefined && change.state !== status.state) next.since = new Date().toISOString();
    if (JSON.stringify(next) === JSON.stringify(status)) return;
    const stateChanged = next.state !== status.state || next.connections !== status.connections || next.publicUrl !== status.publicUrl;
    status = next;
    if (stateChanged) {
      logger.info("Tunnel {state} ({connections} connections){detail}", {
        state: status.state,
        connections: status.connections,
        detail: status.reason ? `: ${status.reason}` : status.publicUrl ? ` at ${status.publicUrl}` : "",
      });
    }
    for (const listener of listeners) {
      try {
        listener(status);
      } catch (error) {
        logger.error("A tunnel status listener failed: {error}", { error });
      }
    }
  }

  function runOnce(cloudflared: Cloudflared, settings: TunnelSettings, binaryPath: string, secrets: readonly string[]): Promise<RunOutcome> {
    const mode = settings.mode === "named" ? "named" : "quick";
    return new Promise((resolve) => {
      const tunnel = spawnCloudflared(cloudflared, { binaryPath, mode, configPath, localUrl: options.localUrl, token: settings.token });
      const connections = new Set<number>();
      let readyCount: number | null = null;
      let quickUrl: string | null = null;
      let fatal: string | null = null;
      let lastError: string | null = null;
      let endReason: string | null = null;
      let wasConnected = false;
      let finished = false;
      const polling = new AbortController();
      let lossTimer: NodeJS.Timeout | undefined;
      let killTimer: NodeJS.Timeout | undefined;

      const kill = (reason: string) => {
        endReason ??= reason;
        if (finished || killTimer) return;
        tunnel.stop();
        killTimer = setTimeout(() => tunnel.process.kill("SIGKILL"), timing.stopTimeoutMs);
      };
      killCurrent = kill;
      const connectTimer = setTimeout(
        () => kill(lastError ?? `cloudflared did not connect within ${Math.round(timing.connectTimeoutMs / 1000)} s.`),
        timing.connectTimeoutMs,
      );
      const finish = (outcome: RunOutcome) => {
        if (finished) return;
        finished = true;
        clearTimeout(connectTimer);
        clearTimeout(lossTimer);
        clearTimeout(killTimer);
        polling.abort();
        killCurrent = null;
        resolve(outcome);
      };

      const refresh = () => {
        if (finished) return;
        const count = readyCount ?? connections.size;
        const publicUrl = mode === "quick" ? quickUrl : settings.hostname ? `https://${settings.hostname}` : null;
        if (count > 0 && publicUrl !== null) {
          wasConnected = true;
          clearTimeout(connectTimer);
          clearTimeout(lossTimer);
          lossTimer = undefined;
          update({ state: "connected", connections: count, publicUrl, reason: null, retryAt: null });
        } else if (wasConnected) {
          update({ state: "reconnecting", connections: 0, reason: "cloudflared lost its connections to Cloudflare and is reconnecting.", retryAt: null });
          lossTimer ??= setTimeout(() => kill("cloudflared lost all its connections to Cloudflare and did not win them back."), timing.connectionLossGraceMs);
        } else {
          update({ connections: count });
        }
      };

      const pollReady = async (address: string) => {
        while (!polling.signal.aborted) {
          const ready = await askReady(address, polling.signal);
          if (ready !== null && !polling.signal.aborted) {
            readyCount = ready;
            refresh();
          }
          await sleep(timing.readyPollMs, polling.signal);
        }
      };

      const onLine = (raw: string) => {
        const line = redact(raw, secrets);
        const { level } = splitLine(line);
        if (level === "ERR" || level === "FTL") cloudflaredLogger.warn("{line}", { line });
        else cloudflaredLogger.debug("{line}", { line });
        const event = parseCloudflaredLine(line);
        if (!event) return;
        switch (event.type) {
          case "quick-url":
            quickUrl = event.url;
            break;
          case "connection-registered":
            connections.add(event.index);
            readyCount = null;
            break;
          case "connection-lost":
            connections.delete(event.index);
            readyCount = null;
            break;
          case "metrics":
            void pollReady(event.address);
            break;
          case "version":
            update({ cloudflaredVersion: event.version });
            break;
          case "fatal":
            fatal = event.reason;
            kill(event.reason);
            break;
          case "error":
            lastError = event.message;
            break;
        }
        refresh();
      };

      tunnel.on("stdout", lineSplitter(onLine));
      tunnel.on("stderr", lineSplitter(onLine));
      tunnel.on("error", (error: NodeJS.ErrnoException) => {
        // A spawn failure emits no "exit".
        finish({ fatal: `cloudflared at ${binaryPath} could not be started (${error.code ?? error.message}).`, reason: error.message, wasConnected });
      });
      tunnel.on("exit", (code, signal) => {
        const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
        finish({ fatal, reason: fatal ?? endReason ?? lastError ?? `cloudflared ${how}.`, wasConnected });
      });
    });
  }

  async function loop(myGeneration: number): Promise<void> {
    const current = () => generation === myGeneration;
    const settings = await options.loadSettings();
    if (!current()) return;
    if (settings.mode === "off") {
      update({ ...initialStatus(), cloudflaredVersion: status.cloudflaredVersion });
      return;
    }
    update({ ...initialStatus(), mode: settings.mode, state: "starting", isTryOut: settings.mode === "quick", cloudflaredVersion: status.cloudflaredVersion });
    const secrets = secretsOfToken(settings.token);

    let binaryPath: string;
    try {
      binaryPath = await locateCloudflared({
        configuredPath: options.cloudflaredBin,
        dataDir: options.dataDir,
        install: options.install,
        onProgress: ({ downloadedBytes }) => {
          if (current()) update({ downloadedBytes });
        },
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      if (current()) update({ state: "failed", reason: error.message, downloadedBytes: null });
      return;
    }
    if (!current()) return;
    const version = await readCloudflaredVersion(binaryPath);
    await mkdir(join(options.dataDir, "tunnel"), { recursive: true });
    await writeFile(configPath, CONFIG_TEXT);
    const cloudflared = await loadCloudflared();
    if (!current()) return;
    update({ downloadedBytes: null, cloudflaredVersion: version });

    let failures = 0;
    for (;;) {
      const outcome = await runOnce(cloudflared, settings, binaryPath, secrets);
      if (!current()) return;
      if (outcome.fatal !== null) {
        update({ state: "failed", connections: 0, publicUrl: null, reason: redact(outcome.fatal, secrets), retryAt: null });
        return;
      }
      failures = outcome.wasConnected ? 0 : failures + 1;
      const delay = Math.min(timing.maxBackoffMs, timing.initialBackoffMs * 2 ** Math.max(0, failures - 1));
      update({
        state: "reconnecting",
        connections: 0,
        publicUrl: null,
        reason: redact(outcome.reason, secrets),
        retryAt: new Date(Date.now() + delay).toISOString(),
      });
      await sleep(delay, stopWaiting.signal);
      if (!current()) return;
      update({ restarts: status.restarts + 1 });
    }
  }

  function start(): void {
    if (isClosed) return;
    const myGeneration = ++generation;
    stopWaiting = new AbortController();
    running = loop(myGeneration).catch((error: unknown) => {
      logger.error("The tunnel stopped on an unexpected error: {error}", { error });
      if (generation === myGeneration) update({ state: "failed", reason: "The tunnel stopped on an unexpected error; the details are in Hearth's log." });
    });
  }

  async function stop(): Promise<void> {
    generation++;
    stopWaiting.abort();
    killCurrent?.("Hearth is stopping.");
    await running;
    running = null;
  }

  return {
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start,
    async restart() {
      await stop();
      start();
    },
    async stop() {
      isClosed = true;
      await stop();
      update({ ...initialStatus(), cloudflaredVersion: status.cloudflaredVersion });
    },
  };
}
