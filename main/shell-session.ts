import { createHearthClient, HttpError, type BackupFreshnessView, type HearthClient, type TunnelView } from "./hearth-client.ts";
import { ensureOwnerToken, isTokenAccepted, type TokenStore } from "./owner-token.ts";
import { forgetPauseIfPublishing, isPublishingPaused } from "./publishing.ts";
import type { ServerSupervisor } from "./server-supervisor.ts";
import type { PreferencesFile } from "./shell-preferences.ts";
import { handleFor, type ShellStatus } from "./tray-model.ts";

export interface ShellSessionOptions {
  supervisor: ServerSupervisor;
  preferences: PreferencesFile;
  tokenStore: TokenStore;
  startAtLogin(): ShellStatus["startAtLogin"];
  /** How often the tunnel's state is asked while the server runs. */
  pollMs?: number;
  fetch?: typeof fetch;
  onStatus(status: ShellStatus): void;
  /** The owner's API client once there is one, null when it goes (server stopped or moved). */
  onClient?(client: HearthClient | null): void;
  onError?(error: unknown): void;
}

export interface ShellSession {
  status(): ShellStatus;
  client(): HearthClient | null;
  /** Asks the server now (after an action in the tray, or a change of the server's state). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Follows the server from the shell's side: its process state, whether it is set up, the tunnel, the
 * owner's handle; and gets the shell its owner token once there is an owner (during the first-run wizard
 * there is none yet, so it asks again on every round until there is).
 */
export function createShellSession(options: ShellSessionOptions): ShellSession {
  const pollMs = options.pollMs ?? 5_000;
  let client: HearthClient | null = null;
  let isSetUp: boolean | null = null;
  let tunnel: TunnelView | null = null;
  let backup: BackupFreshnessView | null = null;
  let username: string | null = null;
  let handle: string | null = null;
  let handleFetchedFor: string | null | undefined;
  let lastSent = "";
  let refreshing: Promise<void> | undefined;
  let isStopped = false;

  const status = (): ShellStatus => {
    const isRunning = options.supervisor.state().phase === "running";
    return {
      server: options.supervisor.state(),
      isSetUp: isRunning ? isSetUp : null,
      tunnel: isRunning ? tunnel : null,
      isPublishingPaused: isPublishingPaused(options.preferences.read().pausedTunnelMode, isRunning ? tunnel : null),
      handle,
      startAtLogin: options.startAtLogin(),
      backup: isRunning ? backup : null,
    };
  };

  function emit(): void {
    const next = status();
    const text = JSON.stringify(next);
    if (text === lastSent) return;
    lastSent = text;
    options.onStatus(next);
  }

  function setClient(next: HearthClient | null): void {
    if (client === next) return;
    client = next;
    options.onClient?.(next);
  }

  async function refreshOnce(): Promise<void> {
    const state = options.supervisor.state();
    if (state.phase !== "running") {
      setClient(null);
      isSetUp = null;
      tunnel = null;
      return;
    }
    const baseUrl = state.localUrl;
    if (client && client.baseUrl !== baseUrl) setClient(null);
    const fetchImpl = options.fetch;
    isSetUp = (await createHearthClient({ baseUrl, token: null, fetch: fetchImpl }).health()).setUp;
    if (isSetUp && !client) {
      const server = options.supervisor.current();
      if (!server) return;
      const token = await ensureOwnerToken({
        store: options.tokenStore,
        isAccepted: (candidate) => isTokenAccepted(createHearthClient({ baseUrl, token: candidate, fetch: fetchImpl })),
        issue: () => server.issueToken(),
      });
      setClient(createHearthClient({ baseUrl, token, fetch: fetchImpl }));
    }
    if (!client) return;
    try {
      tunnel = await client.tunnel();
      forgetPauseIfPublishing(tunnel, options.preferences);
      // The same answer the settings page shows; an older server without it leaves the line out.
      backup = await client.backupFreshness().catch((error: unknown) => {
        if (error instanceof HttpError && error.status === 401) throw error;
        return null;
      });
      // The handle's domain follows the public address (a quick tunnel's changes on every start).
      if (handleFetchedFor !== tunnel.public_url) {
        username ??= (await client.verifyCredentials()).username;
        handle = handleFor(username, await client.instanceDomain());
        handleFetchedFor = tunnel.public_url;
      }
    } catch (error) {
      // A token revoked while running: get a new one on the next round.
      if (error instanceof HttpError && error.status === 401) setClient(null);
      throw error;
    }
  }

  function refresh(): Promise<void> {
    refreshing ??= refreshOnce()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        refreshing = undefined;
        if (!isStopped) emit();
      });
    return refreshing;
  }

  const timer = setInterval(() => void refresh(), pollMs);
  const stopWatching = options.supervisor.onState(() => {
    emit();
    void refresh();
  });

  return {
    status,
    client: () => client,
    refresh,
    stop() {
      isStopped = true;
      clearInterval(timer);
      stopWatching();
    },
  };
}
