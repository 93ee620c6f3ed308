import { isIP } from "node:net";

/**
 * Whether a host (with or without a port) is this machine or a private network. Only such hosts are
 * tried over plain http, and only when the instance runs with --allow-private-network.
 */
export function isPrivateHost(host: string): boolean {
  const hostname = new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (isIP(hostname) === 4) {
    const [a = 0, b = 0] = hostname.split(".").map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (isIP(hostname) === 6) return hostname === "::1" || /^f[cd]/.test(hostname) || hostname.startsWith("fe80:");
  return false;
}
