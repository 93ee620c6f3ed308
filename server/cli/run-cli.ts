import { existsSync } from "node:fs";
import { getLogger } from "@logtape/logtape";
import {
  IMPORT_USAGE,
  parseServeOptions,
  parseSetupOptions,
  EXPORT_USAGE,
  parseTokenOptions,
  BACKUP_USAGE,
  RESTORE_USAGE,
  SERVE_USAGE,
  type ServeOptions,
  SETUP_USAGE,
  TOKEN_USAGE,
  INVITE_USAGE,
} from "../config.ts";
import { findLocalAccountByUsername, findOwnerAccount } from "../core/accounts/accounts.ts";
import { systemClock } from "../core/clock.ts";
import { createCoreContext } from "../core/context.ts";
import { getInstance, setupInstance } from "../core/instance/instance.ts";
import { parseScopes } from "../core/auth/scopes.ts";
import { issueCliToken } from "../core/auth/tokens.ts";
import { databasePath, prepareDataDirectory } from "../db/connection.ts";
import { lockDataDirectory } from "../db/data-dir-lock.ts";
import { openDataDirectoryBesideServe, openDataDirectoryDatabase } from "../db/open.ts";
import { describeTunnelStatus } from "../tunnel/describe.ts";
import { closeLogging, configureLogging } from "../logging.ts";
import { flushCompileCache } from "../compile-cache.ts";
import { setFlagsOnceServing } from "../memory/flags-once-serving.ts";
import { UserError } from "../user-error.ts";

const USAGE = `Hearth: your own fediverse server.

Usage:
  ${SERVE_USAGE}
  ${SETUP_USAGE}
  ${TOKEN_USAGE}
  ${INVITE_USAGE}
  ${EXPORT_USAGE}
  ${BACKUP_USAGE}
  ${RESTORE_USAGE}
  ${IMPORT_USAGE}

Environment: HEARTH_DATA_DIR, HEARTH_HOST, HEARTH_PORT, HEARTH_PUBLIC_URL, HEARTH_TUNNEL, HEARTH_TUNNEL_HOSTNAME,
HEARTH_TUNNEL_TOKEN (a named tunnel's token: only ever from the environment), CLOUDFLARED_BIN.`;

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

async function readPasswordFromStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  // The first line is the password: `echo secret |` and files ending in a newline both work.
  const password = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  if (password === "") throw new UserError("No password arrived on standard input; pipe it in, e.g. `printf '%s' \"$PASSWORD\" | hearth setup ...`.");
  return password;
}

type OpenDatabase = typeof openDataDirectoryDatabase;

async function withDatabase<T>(dataDir: string, work: (core: ReturnType<typeof createCoreContext>) => Promise<T>, open: OpenDatabase = openDataDirectoryDatabase): Promise<T> {
  const database = await open(dataDir);
  try {
    return await work(createCoreContext(database.db, systemClock));
  } finally {
    await database.close();
  }
}

async function setup(args: readonly string[], io: CliIo): Promise<void> {
  const options = parseSetupOptions(args);
  const password = await readPasswordFromStdin(io.stdin);
  const { instance, owner } = await withDatabase(options.dataDir, (core) =>
    setupInstance(core, {
      username: options.username,
      password,
      displayName: options.displayName,
      publicOrigin: options.publicUrl,
    }),
  );
  const address = instance.canonical_origin ? `@${owner.username}@${new URL(instance.canonical_origin).host}` : `@${owner.username}`;
  io.stdout.write(`Hearth is set up in ${options.dataDir}: ${address} is the owner.\n`);
}

async function token(args: readonly string[], io: CliIo): Promise<void> {
  const options = parseTokenOptions(args);
  const scopes = parseScopes(options.scopes);
  // Checked before opening, which would create an empty database in a directory that was never set up.
  if (!existsSync(databasePath(options.dataDir))) throw new UserError(`${options.dataDir} is not set up yet; run \`hearth setup\` first.`);
  // Scripts ask the directory of a serving instance for a token: it is shared with that process, not refused.
  const issued = await withDatabase(options.dataDir, async (core) => {
    if (!(await getInstance(core))) throw new UserError(`${options.dataDir} is not set up yet; run \`hearth setup\` first.`);
    const account = options.username
      ? await findLocalAccountByUsername(core, options.username)
      : await findOwnerAccount(core);
    if (!account) throw new UserError(`There is no local account named ${options.username} on this instance.`);
    return issueCliToken(core, account.id, scopes);
  }, openDataDirectoryBesideServe);
  io.stdout.write(`${issued.token}\n`);
}

export interface CliOptions {
  /** Set by `npm start` when it could not open the desktop app, so the one line it prints says why. */
  headlessBecause?: string;
}

async function serve(args: readonly string[], io: CliIo, cliOptions: CliOptions): Promise<void> {
  const options = parseServeOptions(args);
  prepareDataDirectory(options.dataDir);
  // Before the log file too: a second process must leave a directory another one serves as it found it.
  const lock = lockDataDirectory(options.dataDir);
  try {
    await serveLocked(options, io, cliOptions);
  } finally {
    lock.release();
  }
}

async function serveLocked(options: ServeOptions, io: CliIo, cliOptions: CliOptions): Promise<void> {
  await configureLogging({ dataDir: options.dataDir, level: options.logLevel });
  const { startInstance } = await import("../index.ts");
  const instance = await startInstance({
    ...options,
    tunnel: { mode: options.tunnel, hostname: options.tunnelHostname, token: options.tunnelToken, cloudflaredBin: options.cloudflaredBin },
  });
  // Every change of state (and of address: a restarted quick tunnel gets a new one) gets a line.
  let lastTunnelLine = "";
  instance.tunnel.onStatus((status) => {
    if (status.state === "off") return;
    const line = describeTunnelStatus({ ...status, downloadedBytes: null, connections: status.state === "connected" ? status.connections : 0 });
    if (line === lastTunnelLine) return;
    lastTunnelLine = line;
    io.stdout.write(`${line}\n`);
  });
  const headless = cliOptions.headlessBecause ? `Hearth runs headless (${cliOptions.headlessBecause}) and is ` : "Hearth is ";
  const reach = instance.publicUrl === instance.localUrl ? "not published: only this computer reaches it" : `public address: ${instance.publicUrl}`;
  // The signals are heard before the line says the server is up: whoever reads it may stop it at once.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl+C means "now": the database is safe, since every commit is already durable.
        io.stderr.write(`Received ${signal} again; exiting without waiting.\n`);
        process.exit(130);
      }
      stopping = true;
      getLogger(["hearth"]).info("Received {signal}; stopping.", { signal });
      // The stop has its own deadlines (server/index.ts); this one holds if a part of it hangs all the same.
      // Unref'd: a stop that ends in time exits without waiting for it.
      setTimeout(() => {
        io.stderr.write(`hearth: Hearth did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting without waiting (every acknowledged post is already on disk).\n`);
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
      void instance.close().then(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  io.stdout.write(`${headless}serving on ${instance.localUrl} (${reach}). Stop it with Ctrl+C.\n`);
  // What this start compiled is written now: a desktop app is often ended by a quit or a shutdown.
  flushCompileCache();
  setFlagsOnceServing();
  await stopped;
  await closeLogging();
}

/** From the signal to the exit at the latest: within the desktop shell's grace and a user's patience. */
const STOP_DEADLINE_MS = 9_500;

/** Runs one `hearth` command and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo = process, cliOptions: CliOptions = {}): Promise<number> {
  const [command, ...args] = argv;
  try {
    // Each command's module is loaded when that command runs: a start of `hearth serve` does not parse the
    // archive, backup and export code (tar, zip, their readers), and `hearth token` does not load the server.
    switch (command) {
      case "serve":
        await serve(args, io, cliOptions);
        return 0;
      case "setup":
        await setup(args, io);
        return 0;
      case "token":
        await token(args, io);
        return 0;
      case "invite":
        await (await import("./invite.ts")).invite(args, io);
        return 0;
      case "export":
        await (await import("./export.ts")).exportCommand(args, io);
        return 0;
      case "backup":
        await (await import("./backup.ts")).backupCommand(args, io);
        return 0;
      case "restore":
        await (await import("./restore.ts")).restoreCommand(args, io);
        return 0;
      case "import":
        return await (await import("./import.ts")).runImport(args, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`"${command}" is not a hearth command.\n\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr.write(`hearth: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`hearth: stopped on an unexpected error; please report it.\n${(error as Error).stack ?? String(error)}\n`);
    return 70;
  }
}
