import { HIDDEN_FLAG } from "./login-item.ts";

/** The `hearth serve` flags the desktop app passes on, and whether each takes a value. */
const SERVE_FLAGS = new Map<string, boolean>([
  ["--data-dir", true],
  ["--host", true],
  ["--port", true],
  ["--public-url", true],
  ["--tunnel", true],
  ["--tunnel-hostname", true],
  ["--log-level", true],
  ["--allow-private-network", false],
]);

/**
 * The serve flags among the app's command-line arguments (`npm start -- --data-dir DIR`, or a packaged
 * Hearth started from a terminal). Everything else is left out: Chromium's own switches, the app path
 * Electron is started on in development, macOS's -psn_ argument, the --hidden of a start at login.
 */
export function serveArgsFrom(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    const [name, inlineValue] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const takesValue = SERVE_FLAGS.get(name);
    if (takesValue === undefined) continue;
    if (!takesValue) args.push(name);
    else if (inlineValue !== undefined) args.push(name, inlineValue);
    else if (argv[index + 1] !== undefined) args.push(name, argv[++index] ?? "");
  }
  return args;
}

export function isHiddenStart(argv: readonly string[]): boolean {
  return argv.includes(HIDDEN_FLAG);
}
