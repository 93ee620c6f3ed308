import { decideAfterExit, DEFAULT_RESTART_POLICY, type RestartPolicy } from "./restart-policy.ts";
import type { ServerHandle } from "./server-process.ts";

export type ServerState =
  | { phase: "starting" }
  | { phase: "running"; localUrl: string }
  | { phase: "restarting"; reason: string; retryAt: number }
  | { phase: "failed"; reason: string }
  | { phase: "stopping" }
  | { phase: "stopped" };

export interface ServerSupervisor {
  state(): ServerState;
  /** Calls the listener on every change of state; returns the function that stops it. */
  onState(listener: (state: ServerState) => void): () => void;
  /** The running server, if one is running. */
  current(): ServerHandle | undefined;
  /** Starts the server; after a failure, tries again from a clean slate ("Try again" in the tray). */
  start(): void;
  /** Stops the server for good (quit): no restart follows. */
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  launch(): ServerHandle;
  policy?: RestartPolicy;
  now?: () => number;
  /** How to wait before a restart (tests shorten it or drive it by hand). */
  schedule?: (run: () => void, delayMs: number) => () => void;
  onError?: (error: unknown) => void;
}

function defaultSchedule(run: () => void, delayMs: number): () => void {
  const timer = setTimeout(run, delayMs);
  return () => clearTimeout(timer);
}

/** Keeps one server process running: starts it, restarts it after a crash with a growing wait, stops it. */
export function createServerSupervisor(options: SupervisorOptions): ServerSupervisor {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? defaultSchedule;
  const listeners = new Set<(state: ServerState) => void>();
  let state: ServerState = { phase: "stopped" };
  let handle: ServerHandle | undefined;
  let crashTimes: number[] = [];
  let cancelRestart: (() => void) | undefined;
  let isStopping = false;

  function setState(next: ServerState): void {
    state = next;
    for (const listener of listeners) {
      try {
        listener(state);
      } catch (error) {
        options.onError?.(error);
      }
    }
  }

  function launchOnce(): void {
    cancelRestart = undefined;
    setState({ phase: "starting" });
    const launched = options.launch();
    handle = launched;
    launched.ready.then(
      (localUrl) => {
        if (handle === launched && !isStopping) setState({ phase: "running", localUrl });
      },
      () => {},
    );
    void launched.exited.then((exit) => {
      if (handle !== launched) return;
      handle = undefined;
      if (isStopping) return;
      const decision = decideAfterExit(exit, crashTimes, now(), policy);
      if (decision.action === "give-up") {
        setState({ phase: "failed", reason: decision.reason });
        return;
      }
      crashTimes = decision.crashTimes;
      setState({ phase: "restarting", reason: exit.failure ?? "The Hearth server stopped unexpectedly.", retryAt: now() + decision.delayMs });
      cancelRestart = schedule(launchOnce, decision.delayMs);
    });
  }

  return {
    state: () => state,
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    current: () => (state.phase === "running" ? handle : undefined),
    start() {
      if (isStopping || state.phase === "starting" || state.phase === "running") return;
      cancelRestart?.();
      crashTimes = [];
      launchOnce();
    },
    async stop() {
      if (isStopping) return;
      isStopping = true;
      cancelRestart?.();
      cancelRestart = undefined;
      const running = handle;
      if (running) {
        setState({ phase: "stopping" });
        await running.stop();
      }
      handle = undefined;
      setState({ phase: "stopped" });
    },
  };
}
