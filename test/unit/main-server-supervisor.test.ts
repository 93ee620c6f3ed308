import { describe, expect, it } from "vitest";
import { decideAfterExit, DEFAULT_RESTART_POLICY } from "../../main/restart-policy.ts";
import type { ServerExit, ServerHandle } from "../../main/server-process.ts";
import { createServerSupervisor, type ServerState } from "../../main/server-supervisor.ts";

const crash: ServerExit = { code: null, signal: "SIGSEGV", wasReady: true, failure: null };
const MINUTE = 60_000;

describe("the restart policy", () => {
  it("restarts after a crash, waiting twice as long after each one, up to a ceiling", () => {
    const delays: number[] = [];
    let times: number[] = [];
    for (let minute = 0; minute < 5; minute++) {
      const decision = decideAfterExit(crash, times, minute * MINUTE);
      if (decision.action !== "restart") throw new Error("expected a restart");
      delays.push(decision.delayMs);
      times = decision.crashTimes;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    const capped = decideAfterExit(crash, [], 0, { ...DEFAULT_RESTART_POLICY, maxCrashes: 20 });
    expect(capped).toMatchObject({ action: "restart", delayMs: 1_000 });
    const many = Array.from({ length: 10 }, (_, index) => index);
    expect(decideAfterExit(crash, many, 100, { ...DEFAULT_RESTART_POLICY, maxCrashes: 20 })).toMatchObject({ delayMs: 30_000 });
  });

  it("gives up after too many crashes in ten minutes, saying how it ended", () => {
    const times = [0, MINUTE, 2 * MINUTE, 3 * MINUTE, 4 * MINUTE];
    expect(decideAfterExit({ ...crash, signal: null, code: 70 }, times, 5 * MINUTE)).toEqual({
      action: "give-up",
      reason: "The Hearth server stopped 6 times in 10 minutes (the last time it exited with code 70); its log in the data directory says why.",
    });
  });

  it("forgets crashes older than the window: a server that crashes once a day keeps being restarted", () => {
    const times = [0, MINUTE, 2 * MINUTE, 3 * MINUTE, 4 * MINUTE];
    expect(decideAfterExit(crash, times, 24 * 60 * MINUTE)).toMatchObject({ action: "restart", delayMs: 1_000 });
  });

  it("does not retry a refusal before listening (port in use, data directory locked): it would fail the same way", () => {
    const refused: ServerExit = { code: 1, signal: null, wasReady: false, failure: "Port 8330 on 127.0.0.1 is already in use (another Hearth?); stop that program or choose another --port." };
    expect(decideAfterExit(refused, [], 0)).toEqual({ action: "give-up", reason: refused.failure });
    // The same code after it had been running is a crash like any other.
    expect(decideAfterExit({ ...refused, wasReady: true }, [], 0)).toMatchObject({ action: "restart" });
  });
});

/** A server handle the test drives: it becomes ready, crashes or stops when told. */
function fakeServer(localUrl: string) {
  let becomeReady: (url: string) => void = () => {};
  let exit: (exit: ServerExit) => void = () => {};
  const ready = new Promise<string>((resolve) => (becomeReady = resolve));
  const exited = new Promise<ServerExit>((resolve) => (exit = resolve));
  let stopRequests = 0;
  const handle: ServerHandle = {
    ready,
    exited,
    issueToken: async () => "token",
    stop: async () => {
      stopRequests++;
      exit({ code: 0, signal: null, wasReady: true, failure: null });
      return exited;
    },
  };
  return { handle, ready: () => becomeReady(localUrl), crash: (how: ServerExit = crash) => exit(how), stopRequests: () => stopRequests };
}

function harness() {
  const servers: Array<ReturnType<typeof fakeServer>> = [];
  const scheduled: Array<{ run: () => void; delayMs: number; isCancelled: boolean }> = [];
  const states: ServerState[] = [];
  let now = 0;
  const supervisor = createServerSupervisor({
    launch: () => {
      const server = fakeServer(`http://127.0.0.1:${8330 + servers.length}`);
      servers.push(server);
      return server.handle;
    },
    now: () => now,
    schedule: (run, delayMs) => {
      const entry = { run, delayMs, isCancelled: false };
      scheduled.push(entry);
      return () => (entry.isCancelled = true);
    },
  });
  supervisor.onState((state) => states.push(state));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    supervisor,
    servers,
    scheduled,
    states,
    settle,
    advance: (ms: number) => (now += ms),
    phases: () => states.map((state) => state.phase),
  };
}

describe("the server supervisor", () => {
  it("starts the server and reports it running at its address", async () => {
    const { supervisor, servers, settle, phases } = harness();
    supervisor.start();
    servers[0]?.ready();
    await settle();
    expect(phases()).toEqual(["starting", "running"]);
    expect(supervisor.state()).toEqual({ phase: "running", localUrl: "http://127.0.0.1:8330" });
    expect(supervisor.current()).toBe(servers[0]?.handle);
  });

  it("restarts a crashed server after the policy's wait, and runs again", async () => {
    const { supervisor, servers, scheduled, settle, phases, advance } = harness();
    supervisor.start();
    servers[0]?.ready();
    await settle();
    servers[0]?.crash();
    await settle();
    expect(supervisor.state()).toMatchObject({ phase: "restarting", retryAt: 1_000 });
    expect(supervisor.current()).toBeUndefined();
    expect(scheduled.map((entry) => entry.delayMs)).toEqual([1_000]);
    advance(1_000);
    scheduled[0]?.run();
    servers[1]?.ready();
    await settle();
    expect(phases()).toEqual(["starting", "running", "restarting", "starting", "running"]);
    expect(supervisor.state()).toEqual({ phase: "running", localUrl: "http://127.0.0.1:8331" });
  });

  it("stops restarting after too many crashes, and Try again starts afresh", async () => {
    const { supervisor, servers, scheduled, settle } = harness();
    supervisor.start();
    for (let crashes = 0; crashes < 6; crashes++) {
      servers.at(-1)?.crash();
      await settle();
      if (crashes < 5) scheduled.at(-1)?.run();
    }
    expect(servers).toHaveLength(6);
    expect(supervisor.state()).toMatchObject({ phase: "failed" });
    supervisor.start();
    servers.at(-1)?.ready();
    await settle();
    expect(servers).toHaveLength(7);
    expect(supervisor.state().phase).toBe("running");
  });

  it("on quit: stops the server gracefully, cancels a pending restart, and restarts nothing afterwards", async () => {
    const { supervisor, servers, scheduled, settle, phases } = harness();
    supervisor.start();
    servers[0]?.ready();
    await settle();
    await supervisor.stop();
    expect(servers[0]?.stopRequests()).toBe(1);
    expect(phases().slice(-2)).toEqual(["stopping", "stopped"]);
    expect(scheduled).toHaveLength(0);
    supervisor.start();
    expect(servers).toHaveLength(1);

    const pending = harness();
    pending.supervisor.start();
    pending.servers[0]?.crash();
    await pending.settle();
    await pending.supervisor.stop();
    expect(pending.scheduled[0]?.isCancelled).toBe(true);
    expect(pending.supervisor.state().phase).toBe("stopped");
  });
});
