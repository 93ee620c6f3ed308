import type * as CloudflaredPackage from "cloudflared";
import type { Tunnel } from "cloudflared";
import type { TunnelMode } from "../db/schema.ts";

export type Cloudflared = typeof CloudflaredPackage;

/** The cloudflared package, loaded by the first tunnel start: a server with the tunnel off never loads it (issue #19). */
export function loadCloudflared(): Promise<Cloudflared> {
  return import("cloudflared");
}

export interface CloudflaredRun {
  binaryPath: string;
  mode: Exclude<TunnelMode, "off">;
  /** Our own, nearly empty config file. */
  configPath: string;
  /** Where a quick tunnel sends traffic: the local server. A named tunnel's route is set in the dashboard. */
  localUrl: string;
  token: string | null;
}

/**
 * The command line. Always our own --config: without it cloudflared reads ~/.cloudflared/config.yml, and a
 * `tunnel:` with ingress rules there takes over a quick tunnel. --no-autoupdate because the binary belongs to
 * Hearth (and may sit in a read-only place). The metrics server on a free loopback port, which cloudflared
 * names in its log, gives us /ready. The token is never here: other users of the computer can read argv.
 */
export function cloudflaredArgs(run: Omit<CloudflaredRun, "binaryPath" | "token">): string[] {
  const args = ["tunnel", "--config", run.configPath, "--no-autoupdate", "--metrics", "127.0.0.1:0", "--loglevel", "info"];
  if (run.mode === "quick") args.push("--url", run.localUrl);
  else args.push("run");
  return args;
}

/**
 * Runs cloudflared through the package's Tunnel class. That class spawns with the parent's environment and
 * takes no env option, so TUNNEL_TOKEN is put into process.env only for the synchronous spawn call (which
 * copies the environment) and taken out again before anything else can run.
 */
export function spawnCloudflared({ Tunnel, use }: Cloudflared, run: CloudflaredRun): Tunnel {
  use(run.binaryPath);
  const saved = process.env.TUNNEL_TOKEN;
  if (run.mode === "named" && run.token !== null) process.env.TUNNEL_TOKEN = run.token;
  else delete process.env.TUNNEL_TOKEN;
  try {
    return new Tunnel(cloudflaredArgs(run));
  } finally {
    if (saved === undefined) delete process.env.TUNNEL_TOKEN;
    else process.env.TUNNEL_TOKEN = saved;
  }
}

/** The token and the secret inside it, so that neither reaches a log line or a status reason. */
export function secretsOfToken(token: string | null): string[] {
  if (token === null || token === "") return [];
  const secrets = [token];
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { s?: unknown };
    if (typeof decoded.s === "string" && decoded.s.length >= 8) secrets.push(decoded.s);
  } catch {
    // Not a well-formed token; the whole string is still redacted.
  }
  return secrets;
}

export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join("[redacted]");
  return result;
}

/** Cuts a stream's chunks into whole lines; cloudflared's writes do not line up with lines. */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let buffered = "";
  return (chunk) => {
    buffered += chunk;
    const lines = buffered.split(/\r?\n/);
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") onLine(line);
  };
}
