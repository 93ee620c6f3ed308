import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { isLogLevel, type LogLevel } from "@logtape/logtape";
import { TUNNEL_MODES, type TunnelMode } from "./db/schema.ts";
import { UserError } from "./user-error.ts";

/**
 * The one module that reads flags and the environment. Everything else is handed the typed options
 * built here.
 */

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8330;

type Environment = Readonly<Record<string, string | undefined>>;

/** The platform's folder for application data, as desktop apps use it. */
export function defaultDataDir(env: Environment = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  if (platform === "win32") return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "Hearth");
  if (platform === "darwin") return join(home, "Library", "Application Support", "Hearth");
  return join(env.XDG_DATA_HOME ?? join(home, ".local", "share"), "hearth");
}

export interface ServeOptions {
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  /** Undefined: the mode stored in the database (off until one is chosen). A given mode is stored. */
  tunnel: TunnelMode | undefined;
  /** The public hostname routed to a named tunnel. */
  tunnelHostname: string | undefined;
  /** A named tunnel's token: from the environment only, since flags show in the process list. */
  tunnelToken: string | undefined;
  /** A cloudflared the user installed (the cloudflared package's own variable). */
  cloudflaredBin: string | undefined;
  allowPrivateNetwork: boolean;
  logLevel: LogLevel;
}

export interface SetupOptions {
  dataDir: string;
  username: string;
  publicUrl: string | undefined;
  displayName: string | undefined;
}

export interface TokenOptions {
  dataDir: string;
  username: string | undefined;
  scopes: string;
}

export interface InviteOptions {
  dataDir: string;
  /** As typed: a number of uses or "unlimited"; core judges it. Absent: one use. */
  uses: string | undefined;
  /** As typed: 30m, 1h, 6h, 12h, 1d, 7d or never; core judges it. Absent: 7d. */
  expires: string | undefined;
}

function parse(args: readonly string[], options: ParseArgsOptionsConfig, usage: string) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UserError(`${(error as Error).message.replace(/\.$/, "")}. Usage: ${usage}`);
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) {
    throw new UserError(`"${value}" is not a port number; use a number from 1 to 65535 (or 0 for any free port).`);
  }
  return port;
}

function parseTunnel(value: string): TunnelMode {
  if (!(TUNNEL_MODES as readonly string[]).includes(value)) {
    throw new UserError(`"${value}" is not a tunnel mode; use one of: ${TUNNEL_MODES.join(", ")}.`);
  }
  return value as TunnelMode;
}

function parseBoolean(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on"].includes(value.toLowerCase());
}

function dataDirFrom(flag: unknown, env: Environment): string {
  return resolve(text(flag) ?? env.HEARTH_DATA_DIR ?? defaultDataDir(env));
}

export const SERVE_USAGE =
  "hearth serve [--data-dir DIR] [--host 127.0.0.1] [--port 8330] [--public-url URL] [--tunnel off|quick|named] [--tunnel-hostname NAME] [--allow-private-network]";
export const SETUP_USAGE = "hearth setup --data-dir DIR --username NAME --password-stdin [--public-url URL] [--display-name S]";
export const EXPORT_USAGE = "hearth export --data-dir DIR [--username NAME] [--to DIR]";
export const TOKEN_USAGE = 'hearth token --data-dir DIR [--username NAME] [--scopes "read write follow push"]';
export const INVITE_USAGE = "hearth invite --data-dir DIR [--uses N] [--expires 30m|1h|6h|12h|1d|7d|never]";

export function parseServeOptions(args: readonly string[], env: Environment = process.env): ServeOptions {
  const values = parse(
    args,
    {
      "data-dir": { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      "public-url": { type: "string" },
      tunnel: { type: "string" },
      "tunnel-hostname": { type: "string" },
      "allow-private-network": { type: "boolean" },
      "log-level": { type: "string" },
    },
    SERVE_USAGE,
  );
  const logLevel = text(values["log-level"]) ?? env.HEARTH_LOG_LEVEL ?? "info";
  if (!isLogLevel(logLevel)) throw new UserError(`"${logLevel}" is not a log level; use debug, info, warning or error.`);
  const tunnel = text(values.tunnel) ?? (env.HEARTH_TUNNEL || undefined);
  return {
    dataDir: dataDirFrom(values["data-dir"], env),
    host: text(values.host) ?? env.HEARTH_HOST ?? DEFAULT_HOST,
    port: parsePort(text(values.port) ?? env.HEARTH_PORT ?? String(DEFAULT_PORT)),
    publicUrl: text(values["public-url"]) ?? (env.HEARTH_PUBLIC_URL || undefined),
    tunnel: tunnel === undefined ? undefined : parseTunnel(tunnel),
    tunnelHostname: text(values["tunnel-hostname"]) ?? (env.HEARTH_TUNNEL_HOSTNAME || undefined),
    tunnelToken: env.HEARTH_TUNNEL_TOKEN || undefined,
    cloudflaredBin: env.CLOUDFLARED_BIN || undefined,
    allowPrivateNetwork: values["allow-private-network"] === true || parseBoolean(env.HEARTH_ALLOW_PRIVATE_NETWORK),
    logLevel,
  };
}

export function parseSetupOptions(args: readonly string[], env: Environment = process.env): SetupOptions {
  const values = parse(
    args,
    {
      "data-dir": { type: "string" },
      username: { type: "string" },
      "password-stdin": { type: "boolean" },
      "public-url": { type: "string" },
      "display-name": { type: "string" },
    },
    SETUP_USAGE,
  );
  const username = text(values.username);
  if (!username) throw new UserError(`setup needs --username. Usage: ${SETUP_USAGE}`);
  if (values["password-stdin"] !== true) {
    throw new UserError(`setup reads the password from standard input and needs --password-stdin, so it never shows in the process list. Usage: ${SETUP_USAGE}`);
  }
  return {
    dataDir: dataDirFrom(values["data-dir"], env),
    username,
    publicUrl: text(values["public-url"]) ?? (env.HEARTH_PUBLIC_URL || undefined),
    displayName: text(values["display-name"]),
  };
}

export function parseTokenOptions(args: readonly string[], env: Environment = process.env): TokenOptions {
  const values = parse(
    args,
    { "data-dir": { type: "string" }, username: { type: "string" }, scopes: { type: "string" } },
    TOKEN_USAGE,
  );
  return {
    dataDir: dataDirFrom(values["data-dir"], env),
    username: text(values.username),
    scopes: text(values.scopes) ?? "read write follow push",
  };
}

export function parseInviteOptions(args: readonly string[], env: Environment = process.env): InviteOptions {
  const values = parse(args, { "data-dir": { type: "string" }, uses: { type: "string" }, expires: { type: "string" } }, INVITE_USAGE);
  return { dataDir: dataDirFrom(values["data-dir"], env), uses: text(values.uses), expires: text(values.expires) };
}

export interface ExportOptions {
  dataDir: string;
  username: string | undefined;
  /** Where the archive is written: the current folder unless given. */
  toDir: string;
}

export function parseExportOptions(args: readonly string[], env: Environment = process.env, cwd: string = process.cwd()): ExportOptions {
  const values = parse(args, { "data-dir": { type: "string" }, username: { type: "string" }, to: { type: "string" } }, EXPORT_USAGE);
  return {
    dataDir: dataDirFrom(values["data-dir"], env),
    username: text(values.username),
    toDir: resolve(cwd, text(values.to) ?? "."),
  };
}

export const BACKUP_USAGE = "hearth backup --data-dir DIR [--to DIR] [--no-remote-media] | hearth backup --verify FILE";
export const RESTORE_USAGE = "hearth restore FILE --data-dir DIR";

export type BackupOptions =
  | { kind: "create"; dataDir: string; toDir: string; includeRemoteMedia: boolean }
  | { kind: "verify"; file: string };

export function parseBackupOptions(args: readonly string[], env: Environment = process.env): BackupOptions {
  const values = parse(
    args,
    { "data-dir": { type: "string" }, to: { type: "string" }, "no-remote-media": { type: "boolean" }, verify: { type: "string" } },
    BACKUP_USAGE,
  );
  const verify = text(values.verify);
  if (verify !== undefined) {
    if (values["data-dir"] !== undefined || values.to !== undefined || values["no-remote-media"] !== undefined) {
      throw new UserError(`backup --verify takes only the backup file. Usage: ${BACKUP_USAGE}`);
    }
    return { kind: "verify", file: resolve(verify) };
  }
  const dataDir = dataDirFrom(values["data-dir"], env);
  // Inside the data directory unless told otherwise: found again easily, and never part of a later backup.
  const toDir = resolve(text(values.to) ?? join(dataDir, "backups"));
  return { kind: "create", dataDir, toDir, includeRemoteMedia: values["no-remote-media"] !== true };
}

export interface RestoreOptions {
  file: string;
  dataDir: string;
}

export function parseRestoreOptions(args: readonly string[], env: Environment = process.env): RestoreOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { "data-dir": { type: "string" } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UserError(`${(error as Error).message.replace(/\.$/, "")}. Usage: ${RESTORE_USAGE}`);
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) throw new UserError(`restore takes one backup file. Usage: ${RESTORE_USAGE}`);
  // Restoring replaces a directory's data: which one is never left to a default.
  const dataDir = text(parsed.values["data-dir"]) ?? env.HEARTH_DATA_DIR;
  if (!dataDir) throw new UserError(`restore needs --data-dir: the directory to restore into. Usage: ${RESTORE_USAGE}`);
  return { file: resolve(file), dataDir: resolve(dataDir) };
}

export interface ImportOptions {
  file: string;
  dataDir: string;
  username: string | undefined;
  includeDirect: boolean;
  force: boolean;
}

export const IMPORT_USAGE = "hearth import FILE --data-dir DIR [--username NAME] [--include-direct] [--force]";

export function parseImportOptions(args: readonly string[], env: Environment = process.env): ImportOptions {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: ParseArgsOptionsConfig; strict: true; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { "data-dir": { type: "string" }, username: { type: "string" }, "include-direct": { type: "boolean" }, force: { type: "boolean" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UserError(`${(error as Error).message.replace(/\.$/, "")}. Usage: ${IMPORT_USAGE}`);
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) throw new UserError(`Name one file to import. Usage: ${IMPORT_USAGE}`);
  const values = parsed.values;
  return {
    file: resolve(file),
    dataDir: dataDirFrom(values["data-dir"], env),
    username: text(values.username),
    includeDirect: values["include-direct"] === true,
    force: values.force === true,
  };
}
