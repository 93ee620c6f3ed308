// The server process of the desktop app: `hearth serve`, exactly as a headless user runs it, plus a message
// channel to the shell. It runs as a Node child process in development and as Electron's utility process in
// the packaged app (main/server-launchers.ts says why). Nothing here imports Electron.
import * as nodeModule from "node:module";
import { Readable, Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { failureSentenceIn, listeningUrlIn, parseShellMessage, tokenArgsFor, type ServerToShell, type ShellToServer } from "./server-protocol.ts";

interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}
type RunCli = (argv: readonly string[], io?: CliIo) => Promise<number>;

interface ParentChannel {
  post(message: ServerToShell): void;
  onMessage(listener: (message: ShellToServer) => void): void;
  /** The shell went away without saying stop (it crashed or was killed). */
  onGone(listener: () => void): void;
}

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: "message", listener: (event: { data: unknown }) => void): unknown;
}

function parentChannel(): ParentChannel {
  // Electron's utility process talks through process.parentPort; a Node child through its IPC channel.
  const port = (process as unknown as { parentPort?: ParentPortLike | null }).parentPort;
  if (port) {
    return {
      post: (message) => port.postMessage(message),
      onMessage: (listener) =>
        port.on("message", (event) => {
          const message = parseShellMessage(event.data);
          if (message) listener(message);
        }),
      // Chromium ends a utility process together with its parent.
      onGone: () => {},
    };
  }
  if (!process.send) throw new Error("server-entry runs only as the desktop shell's server process.");
  return {
    post: (message) => process.send?.(message),
    onMessage: (listener) =>
      process.on("message", (value) => {
        const message = parseShellMessage(value);
        if (message) listener(message);
      }),
    onGone: (listener) => process.on("disconnect", listener),
  };
}

/** Passes writes on to `target` and hands each complete line to `onLine`. */
function lineTee(target: NodeJS.WritableStream, onLine: (line: string) => void): Writable {
  let pending = "";
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const text = chunk.toString();
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onLine(line);
      target.write(text, callback);
    },
  });
}

function captured(): { stream: Writable; text(): string } {
  let text = "";
  return {
    stream: new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        text += chunk.toString();
        callback();
      },
    }),
    text: () => text,
  };
}

const cliModule = process.env.HEARTH_SHELL_CLI;
const serveArgs = JSON.parse(process.env.HEARTH_SHELL_ARGS ?? "[]") as string[];
if (!cliModule) throw new Error("HEARTH_SHELL_CLI must name the hearth CLI module.");
const channel = parentChannel();
// Node's compile cache before the server's modules load: a start then skips compiling them again
// (server/compile-cache.ts says what it saves). Absent from an older runtime, which starts as before. In the
// folder the shell names (the app's own data folder once packaged, the bundle's cache that its build filled in
// development): the system's temporary folder, Node's default, is emptied at each boot on many systems, and
// the desktop app starts with the computer.
(nodeModule as { enableCompileCache?: (directory?: string) => unknown }).enableCompileCache?.(process.env.HEARTH_COMPILE_CACHE || undefined);
const { runCli } = (await import(pathToFileURL(cliModule).href)) as { runCli: RunCli };

let isReady = false;
let isStopRequested = false;

/**
 * Stops the way Ctrl+C does: serve's own SIGTERM handler closes the tunnel, the queue and the database.
 * The request arrives as a message because Windows has no SIGTERM to send; emitting the event runs the
 * same handler on every platform. Before the server listens there is no handler yet, so it waits.
 */
function requestStop(): void {
  if (isStopRequested) return;
  isStopRequested = true;
  if (isReady) process.emit("SIGTERM", "SIGTERM");
}

const stdout = lineTee(process.stdout, (line) => {
  const localUrl = listeningUrlIn(line);
  if (!localUrl || isReady) return;
  isReady = true;
  channel.post({ type: "ready", localUrl });
  if (isStopRequested) process.emit("SIGTERM", "SIGTERM");
});
const stderr = lineTee(process.stderr, (line) => {
  const message = failureSentenceIn(line);
  if (message) channel.post({ type: "failed", message });
});

async function issueToken(requestId: number): Promise<void> {
  // The same `hearth token` a person can run; the token travels over the channel, never through a log.
  const out = captured();
  const err = captured();
  const code = await runCli(tokenArgsFor(serveArgs), { stdin: Readable.from([]), stdout: out.stream, stderr: err.stream });
  const token = out.text().trim();
  if (code === 0 && token !== "") channel.post({ type: "token", requestId, token });
  else channel.post({ type: "token-error", requestId, message: failureSentenceIn(err.text().trim()) ?? `hearth token exited with code ${code}.` });
}

channel.onMessage((message) => {
  if (message.type === "stop") requestStop();
  else void issueToken(message.requestId);
});
channel.onGone(requestStop);

const code = await runCli(["serve", ...serveArgs], { stdin: process.stdin, stdout, stderr });
// The message channel would keep the process alive; the server has closed everything it opened.
process.exit(code);
