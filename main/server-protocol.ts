/**
 * The messages between the shell and the server process it runs (main/server-entry.ts). Both ends check
 * what arrives: a message is data from another process, so its shape is never assumed.
 */
export type ShellToServer = { type: "stop" } | { type: "issue-token"; requestId: number };

export type ServerToShell =
  /** The server listens; the window may load localUrl. */
  | { type: "ready"; localUrl: string }
  /** The sentence the `hearth` command printed on stderr before stopping (a port in use, a locked data dir). */
  | { type: "failed"; message: string }
  | { type: "token"; requestId: number; token: string }
  | { type: "token-error"; requestId: number; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function parseShellMessage(value: unknown): ShellToServer | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === "stop") return { type: "stop" };
  if (value.type === "issue-token" && Number.isSafeInteger(value.requestId)) return { type: "issue-token", requestId: value.requestId as number };
  return undefined;
}

export function parseServerMessage(value: unknown): ServerToShell | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case "ready":
      return typeof value.localUrl === "string" && /^https?:\/\//.test(value.localUrl) ? { type: "ready", localUrl: value.localUrl } : undefined;
    case "failed":
      return typeof value.message === "string" ? { type: "failed", message: value.message } : undefined;
    case "token":
      return Number.isSafeInteger(value.requestId) && typeof value.token === "string" && value.token !== ""
        ? { type: "token", requestId: value.requestId as number, token: value.token }
        : undefined;
    case "token-error":
      return Number.isSafeInteger(value.requestId) && typeof value.message === "string"
        ? { type: "token-error", requestId: value.requestId as number, message: value.message }
        : undefined;
    default:
      return undefined;
  }
}

/** The line `hearth serve` prints once it listens (the CLI contract in ARCHITECTURE.md). */
const LISTENING_LINE = /serving on (https?:\/\/\S+?) /;

export function listeningUrlIn(line: string): string | undefined {
  return LISTENING_LINE.exec(line)?.[1];
}

/** `hearth: <sentence>` is how the CLI reports a failure a person can act on. */
export function failureSentenceIn(line: string): string | undefined {
  return line.startsWith("hearth: ") ? line.slice("hearth: ".length).trim() : undefined;
}

/** The scopes of the shell's own token: read for notifications and status, write for pausing the tunnel. */
export const SHELL_TOKEN_SCOPES = "read write";

/**
 * The `hearth token` command line for the instance `hearth serve <serveArgs>` runs: the same data directory
 * (given as a flag, else the same HEARTH_DATA_DIR or default both commands read), the owner's account.
 * Only --data-dir carries over: `token` refuses the serve-only flags.
 */
export function tokenArgsFor(serveArgs: readonly string[]): string[] {
  const args = ["token"];
  for (let index = 0; index < serveArgs.length; index++) {
    const arg = serveArgs[index] ?? "";
    if (arg.startsWith("--data-dir=")) args.push(arg);
    else if (arg === "--data-dir" && serveArgs[index + 1] !== undefined) args.push(arg, serveArgs[++index] ?? "");
  }
  args.push("--scopes", SHELL_TOKEN_SCOPES);
  return args;
}
