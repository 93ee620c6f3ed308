import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * What the shell itself remembers, in a small JSON file in Electron's userData folder (the instance's own
 * settings live in its database, and a headless Hearth shares them).
 */
export interface ShellPreferences {
  /** The tunnel mode "Pause publishing" turned off, so "Resume" can turn it back on. */
  pausedTunnelMode: "quick" | "named" | null;
  /** The newest notification already shown, so a restart neither repeats nor loses any. */
  lastNotifiedId: string | null;
  /** The shell's API token for the owner: encrypted with the system keychain where there is one. */
  ownerToken: { isEncrypted: boolean; value: string } | null;
}

export const DEFAULT_PREFERENCES: ShellPreferences = { pausedTunnelMode: null, lastNotifiedId: null, ownerToken: null };

/** Reads the preferences, keeping each field only if it has the right shape (the file may be old or edited). */
export function parsePreferences(text: string): ShellPreferences {
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return { ...DEFAULT_PREFERENCES };
    raw = parsed as Record<string, unknown>;
  } catch {
    return { ...DEFAULT_PREFERENCES };
  }
  const token = raw.ownerToken as Record<string, unknown> | null | undefined;
  return {
    pausedTunnelMode: raw.pausedTunnelMode === "quick" || raw.pausedTunnelMode === "named" ? raw.pausedTunnelMode : null,
    lastNotifiedId: typeof raw.lastNotifiedId === "string" && /^\d+$/.test(raw.lastNotifiedId) ? raw.lastNotifiedId : null,
    ownerToken:
      token && typeof token === "object" && typeof token.isEncrypted === "boolean" && typeof token.value === "string"
        ? { isEncrypted: token.isEncrypted, value: token.value }
        : null,
  };
}

export interface PreferencesFile {
  read(): ShellPreferences;
  update(change: Partial<ShellPreferences>): ShellPreferences;
}

export function preferencesFile(path: string): PreferencesFile {
  let current: ShellPreferences | undefined;
  const read = () => {
    if (current) return current;
    try {
      current = parsePreferences(readFileSync(path, "utf8"));
    } catch {
      current = { ...DEFAULT_PREFERENCES };
    }
    return current;
  };
  return {
    read,
    update(change) {
      current = { ...read(), ...change };
      mkdirSync(dirname(path), { recursive: true });
      // Written aside and renamed, so a crash mid-write never leaves half a file; readable by this user only,
      // since it may hold the token.
      const partial = `${path}.tmp`;
      writeFileSync(partial, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
      renameSync(partial, path);
      return current;
    },
  };
}
