import { parseServerMessage, type ServerToShell, type ShellToServer } from "./server-protocol.ts";

/** How a server process ended. */
export interface ServerExit {
  code: number | null;
  signal: string | null;
  /** Whether it had said it was listening. */
  wasReady: boolean;
  /** The sentence the CLI gave when it refused to start, if it gave one. */
  failure: string | null;
}

/** A started server process, whatever runs it (a Node child, an Electron utility process, a test's fake). */
export interface SpawnedProcess {
  post(message: ShellToServer): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Ends it at once: only when it did not stop when asked. */
  kill(): void;
}

export interface ServerHandle {
  /** Resolves with the local URL once the server listens; rejects if it ends first. */
  readonly ready: Promise<string>;
  readonly exited: Promise<ServerExit>;
  /** Asks for the owner's API token (`hearth token` inside the server process). */
  issueToken(): Promise<string>;
  /**
   * Asks the server to stop (it stops the tunnel and closes the database) and waits for it; after
   * `graceMs` it is killed, since a quit must end.
   */
  stop(graceMs?: number): Promise<ServerExit>;
}

/**
 * How long a graceful stop may take before the server is killed. The server ends itself within 10 s (requests
 * under way get 5 s, the workers 2 s, then SQLite checkpoints its WAL; `hearth serve` exits at 9.5 s at the
 * latest), so this only catches a server that hangs outright.
 */
export const DEFAULT_STOP_GRACE_MS = 20_000;

export function superviseProcess(spawned: SpawnedProcess): ServerHandle {
  let wasReady = false;
  let failure: string | null = null;
  let nextRequestId = 1;
  const tokenRequests = new Map<number, { resolve(token: string): void; reject(error: Error): void }>();
  let resolveReady: (url: string) => void = () => {};
  let rejectReady: (error: Error) => void = () => {};
  const ready = new Promise<string>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // A start that fails is reported through `exited`; nobody need be waiting on `ready` for that.
  ready.catch(() => {});
  let hasExited = false;

  const exited = new Promise<ServerExit>((resolve) => {
    spawned.onExit((code, signal) => {
      hasExited = true;
      const exit: ServerExit = { code, signal, wasReady, failure };
      if (!wasReady) rejectReady(new Error(failure ?? `The Hearth server stopped (${signal ?? `code ${code}`}) before it was ready.`));
      for (const request of tokenRequests.values()) request.reject(new Error("The Hearth server stopped before it issued a token."));
      tokenRequests.clear();
      resolve(exit);
    });
  });

  spawned.onMessage((value) => {
    const message: ServerToShell | undefined = parseServerMessage(value);
    if (!message) return;
    switch (message.type) {
      case "ready":
        wasReady = true;
        resolveReady(message.localUrl);
        break;
      case "failed":
        failure = message.message;
        break;
      case "token":
        tokenRequests.get(message.requestId)?.resolve(message.token);
        tokenRequests.delete(message.requestId);
        break;
      case "token-error":
        tokenRequests.get(message.requestId)?.reject(new Error(message.message));
        tokenRequests.delete(message.requestId);
        break;
    }
  });

  let stopping: Promise<ServerExit> | undefined;
  return {
    ready,
    exited,
    issueToken() {
      if (hasExited) return Promise.reject(new Error("The Hearth server is not running."));
      const requestId = nextRequestId++;
      return new Promise((resolve, reject) => {
        tokenRequests.set(requestId, { resolve, reject });
        spawned.post({ type: "issue-token", requestId });
      });
    },
    stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      stopping ??= (async () => {
        if (!hasExited) spawned.post({ type: "stop" });
        const timer = setTimeout(() => spawned.kill(), graceMs);
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      })();
      return stopping;
    },
  };
}
