/**
 * Reads cloudflared's log lines (zerolog's console format: `2024-07-09T08:18:43Z INF message key=value ...`)
 * for what the tunnel manager acts on. The formats are cloudflared's, as its users have pasted them in its
 * issue tracker; lines it does not know are ignored, so a new cloudflared degrades to "no news", not an error.
 */

export type CloudflaredLevel = "DBG" | "INF" | "WRN" | "ERR" | "FTL";

export type CloudflaredEvent =
  | { type: "quick-url"; url: string }
  | { type: "connection-registered"; index: number; connectionId: string; location: string | null; protocol: string | null }
  | { type: "connection-lost"; index: number }
  | { type: "metrics"; address: string }
  | { type: "version"; version: string }
  /** Retrying cannot help: the token or the tunnel is refused. */
  | { type: "fatal"; reason: string }
  /** Worth showing as the reason while the manager retries. */
  | { type: "error"; message: string };

export interface CloudflaredLine {
  level: CloudflaredLevel | null;
  message: string;
}

const PREFIX = /^(?:\S+\s+)?(DBG|INF|WRN|ERR|FTL)\s+(.*)$/;
// The banner's URL line: `|  https://buffalo-marco-cardiff-motel.trycloudflare.com   |`. Requiring the
// banner keeps api.trycloudflare.com, which appears in the "failed to request quick Tunnel" error, out.
const QUICK_URL = /^\|\s*(https:\/\/[a-z0-9-]+\.trycloudflare\.com)\s*\|$/;
const REGISTERED = /^Registered tunnel connection\b/;
// cloudflared before 2022.x: `Connection c206cf44-... registered connIndex=0 location=ORD`.
const REGISTERED_OLD = /^Connection ([0-9a-f-]{36}) registered\b/i;
const LOST = /^(Unregistered tunnel connection|Connection terminated)\b/;
const METRICS = /^Starting metrics server on (\S+?)\/metrics$/;
const VERSION = /^Version (\S+)/;
const UNAUTHORIZED = /error="(Unauthorized: [^"]*)"/;

export function splitLine(raw: string): CloudflaredLine {
  const line = raw.trim();
  const match = PREFIX.exec(line);
  if (!match) return { level: null, message: line };
  return { level: match[1] as CloudflaredLevel, message: match[2] ?? "" };
}

function field(message: string, name: string): string | null {
  const match = new RegExp(`(?:^|\\s)${name}=("(?:[^"\\\\]|\\\\.)*"|\\S+)`).exec(message);
  if (!match?.[1]) return null;
  const value = match[1];
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\"/g, '"') : value;
}

export function parseCloudflaredLine(raw: string): CloudflaredEvent | undefined {
  const { level, message } = splitLine(raw);
  if (message === "") return undefined;

  const quickUrl = QUICK_URL.exec(message);
  if (quickUrl?.[1]) return { type: "quick-url", url: quickUrl[1] };

  if (REGISTERED.test(message) || REGISTERED_OLD.test(message)) {
    const index = Number(field(message, "connIndex"));
    const connectionId = field(message, "connection") ?? REGISTERED_OLD.exec(message)?.[1] ?? "";
    if (!Number.isInteger(index)) return undefined;
    return { type: "connection-registered", index, connectionId, location: field(message, "location"), protocol: field(message, "protocol") };
  }
  if (LOST.test(message)) {
    const index = Number(field(message, "connIndex"));
    return Number.isInteger(index) ? { type: "connection-lost", index } : undefined;
  }

  const metrics = METRICS.exec(message);
  if (metrics?.[1]) return { type: "metrics", address: metrics[1] };
  const version = VERSION.exec(message);
  if (version?.[1] && level === "INF") return { type: "version", version: version[1] };

  const unauthorized = UNAUTHORIZED.exec(message);
  if (unauthorized?.[1]) {
    return { type: "fatal", reason: `Cloudflare refused the tunnel token (${unauthorized[1]}); copy the token again from the Cloudflare dashboard.` };
  }
  if (/Provided Tunnel token is not valid/i.test(message)) {
    return { type: "fatal", reason: "cloudflared says the tunnel token is not valid; copy the token again from the Cloudflare dashboard." };
  }
  if (/^failed to request quick Tunnel/i.test(message)) {
    return { type: "error", message: `Could not get a quick tunnel from trycloudflare.com (${message.replace(/^failed to request quick Tunnel:\s*/i, "")}).` };
  }
  if (level === "ERR" || level === "FTL") return { type: "error", message: field(message, "error") ?? message };
  return undefined;
}

/**
 * Parses `cloudflared --version` output: `cloudflared version 2024.8.2 (built 2024-08-20-1234 UTC)`.
 */
export function parseCloudflaredVersion(output: string): string | null {
  return /cloudflared version (\S+)/.exec(output)?.[1] ?? null;
}
