import { describe, expect, it } from "vitest";
import { isHiddenStart, serveArgsFrom } from "../../main/launch-arguments.ts";
import { entryEnvironment, SERVER_PROCESS_ENVIRONMENT } from "../../main/server-launchers.ts";
import { failureSentenceIn, listeningUrlIn, parseServerMessage, parseShellMessage, tokenArgsFor } from "../../main/server-protocol.ts";

describe("the app's command line", () => {
  it("passes serve's flags on, with their values, in either spelling", () => {
    expect(serveArgsFrom(["/project", "--data-dir", "/d", "--port=0", "--tunnel", "quick", "--allow-private-network", "--log-level=debug"])).toEqual([
      "--data-dir",
      "/d",
      "--port",
      "0",
      "--tunnel",
      "quick",
      "--allow-private-network",
      "--log-level",
      "debug",
    ]);
  });

  it("leaves out Chromium's switches, macOS's -psn_, the app path and the --hidden of a login start", () => {
    expect(serveArgsFrom(["/project", "--no-sandbox", "--enable-logging", "-psn_0_12345", "--hidden", "--inspect=9229", "--host", "127.0.0.1"])).toEqual([
      "--host",
      "127.0.0.1",
    ]);
    expect(isHiddenStart(["Hearth", "--hidden"])).toBe(true);
    expect(isHiddenStart(["Hearth"])).toBe(false);
  });
});

describe("the server process's environment", () => {
  it("names the CLI module and carries the flags; drops what would change how the server runs", () => {
    const env = entryEnvironment({ PATH: "/bin", NODE_OPTIONS: "--inspect", ELECTRON_RUN_AS_NODE: "1", HEARTH_DATA_DIR: "/d" }, "/app/server/cli.js", ["--port", "0"]);
    expect(env).toEqual({
      ...SERVER_PROCESS_ENVIRONMENT,
      PATH: "/bin",
      HEARTH_DATA_DIR: "/d",
      HEARTH_SHELL_CLI: "/app/server/cli.js",
      HEARTH_SHELL_ARGS: '["--port","0"]',
    });
  });
});

describe("the messages between shell and server", () => {
  it("accepts only well-formed messages", () => {
    expect(parseServerMessage({ type: "ready", localUrl: "http://127.0.0.1:8330" })).toEqual({ type: "ready", localUrl: "http://127.0.0.1:8330" });
    expect(parseServerMessage({ type: "ready", localUrl: "javascript:alert(1)" })).toBeUndefined();
    expect(parseServerMessage({ type: "token", requestId: 1, token: "abc" })).toEqual({ type: "token", requestId: 1, token: "abc" });
    expect(parseServerMessage({ type: "token", requestId: 1, token: "" })).toBeUndefined();
    expect(parseServerMessage({ type: "token-error", requestId: 2, message: "not set up" })).toMatchObject({ type: "token-error" });
    for (const bad of [null, "ready", 3, { type: "unknown" }, { type: "token", requestId: "1", token: "x" }]) expect(parseServerMessage(bad)).toBeUndefined();
    expect(parseShellMessage({ type: "stop" })).toEqual({ type: "stop" });
    expect(parseShellMessage({ type: "issue-token", requestId: 3 })).toEqual({ type: "issue-token", requestId: 3 });
    expect(parseShellMessage({ type: "issue-token", requestId: 1.5 })).toBeUndefined();
    expect(parseShellMessage({ type: "exec", command: "rm" })).toBeUndefined();
  });

  it("reads the CLI's listening line and its failure sentences", () => {
    expect(listeningUrlIn("Hearth is serving on http://127.0.0.1:8330 (not published: only this computer reaches it). Stop it with Ctrl+C.")).toBe(
      "http://127.0.0.1:8330",
    );
    expect(listeningUrlIn("Hearth runs headless (there is no display) and is serving on http://[::1]:9000 (public address: https://a.example).")).toBe(
      "http://[::1]:9000",
    );
    expect(listeningUrlIn("Tunnel connected")).toBeUndefined();
    expect(failureSentenceIn("hearth: Port 8330 is already in use.")).toBe("Port 8330 is already in use.");
    expect(failureSentenceIn("some log line")).toBeUndefined();
  });

  it("runs `hearth token` on the same data directory as serve, with the shell's scopes", () => {
    expect(tokenArgsFor(["--data-dir", "/d", "--port", "0", "--tunnel", "quick"])).toEqual(["token", "--data-dir", "/d", "--scopes", "read write"]);
    expect(tokenArgsFor(["--data-dir=/d"])).toEqual(["token", "--data-dir=/d", "--scopes", "read write"]);
    expect(tokenArgsFor([])).toEqual(["token", "--scopes", "read write"]);
  });
});
