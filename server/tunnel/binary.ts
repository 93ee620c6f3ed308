import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UserError } from "../user-error.ts";
import { loadCloudflared } from "./cloudflared-process.ts";
import { parseCloudflaredVersion } from "./log-lines.ts";

export const CLOUDFLARED_FILE_NAME = process.platform === "win32" ? "cloudflared.exe" : "cloudflared";

export interface DownloadProgress {
  downloadedBytes: number;
}

export interface LocateCloudflaredOptions {
  /** CLOUDFLARED_BIN: a cloudflared the user installed themselves. When set, it is the only one tried. */
  configuredPath?: string;
  dataDir: string;
  /** The cloudflared package's install(to): downloads the release for this platform from GitHub. */
  install?: (to: string) => Promise<string>;
  onProgress?: (progress: DownloadProgress) => void;
}

/** Where Hearth keeps the cloudflared it downloaded itself. */
export function dataDirCloudflaredPath(dataDir: string): string {
  return join(dataDir, "bin", CLOUDFLARED_FILE_NAME);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, process.platform === "win32" ? constants.F_OK : constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

const OFFLINE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT"]);

function downloadFailure(error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  const manual = "or install cloudflared yourself and set CLOUDFLARED_BIN to its path";
  if (code !== undefined && OFFLINE_CODES.has(code)) {
    return new UserError(
      `Hearth could not download cloudflared, which the tunnel needs, because this computer cannot reach GitHub (${code}); connect to the internet and start again, ${manual}.`,
    );
  }
  if (/^Unsupported (platform|architecture)/.test(message)) {
    return new UserError(`Cloudflare publishes no cloudflared for this computer (${message}); install it yourself and set CLOUDFLARED_BIN to its path.`);
  }
  return new UserError(`Hearth could not download cloudflared, which the tunnel needs (${message}); try again later, ${manual}.`);
}

/**
 * Finds cloudflared: the configured path, else the copy in the data directory (or one the package's own
 * postinstall left), else it downloads it into the data directory with the package's installer. The download
 * goes to a side file first, so an interrupted one is never taken for the program.
 */
export async function locateCloudflared(options: LocateCloudflaredOptions): Promise<string> {
  if (options.configuredPath !== undefined) {
    if (await isExecutable(options.configuredPath)) return options.configuredPath;
    throw new UserError(
      `CLOUDFLARED_BIN is set to ${options.configuredPath}, but there is no program there; correct the path, or unset it and Hearth will download cloudflared itself.`,
    );
  }
  const target = dataDirCloudflaredPath(options.dataDir);
  if (await isExecutable(target)) return target;
  const { DEFAULT_CLOUDFLARED_BIN, install: installFromGitHub } = await loadCloudflared();
  if (await isExecutable(DEFAULT_CLOUDFLARED_BIN)) return DEFAULT_CLOUDFLARED_BIN;

  const partial = `${target}.download`;
  await mkdir(dirname(target), { recursive: true });
  await rm(partial, { force: true });
  const install = options.install ?? ((to: string) => installFromGitHub(to));
  const progress = setInterval(() => {
    stat(partial).then(
      (file) => options.onProgress?.({ downloadedBytes: file.size }),
      () => undefined,
    );
  }, 500);
  try {
    await install(partial);
  } catch (error) {
    await rm(partial, { force: true });
    throw downloadFailure(error);
  } finally {
    clearInterval(progress);
  }
  const downloaded = await stat(partial);
  options.onProgress?.({ downloadedBytes: downloaded.size });
  await rename(partial, target);
  return target;
}

/** `cloudflared --version`, for the status the user sees; null when the program does not say. */
export function readCloudflaredVersion(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(path, ["--version"], { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve(error ? null : parseCloudflaredVersion(`${stdout}\n${stderr}`));
    });
  });
}
