import { HttpError, type HearthClient } from "./hearth-client.ts";
import type { PreferencesFile } from "./shell-preferences.ts";

// How the shell gets an API token for the owner: it asks its server process to run `hearth token`
// (server-entry.ts), the same command a person uses for scripts, so tokens have one origin, are listed and
// revocable like any other (the "Hearth command line" application), and the shell needs no database access
// of its own (the database belongs to the server process). The token is kept, so one is issued per install
// rather than per start, and a revoked one is noticed (401) and replaced.

/** Electron's safeStorage, or nothing where the system offers no keychain. */
export interface TokenCipher {
  isAvailable(): boolean;
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface TokenStore {
  load(): string | null;
  save(token: string): void;
}

/**
 * Keeps the token in the shell's preferences: encrypted where the system has a keychain; otherwise as
 * it is, in a file only this user can read, in the same folder tree as the database that holds everything
 * the token could reach.
 */
export function preferencesTokenStore(preferences: PreferencesFile, cipher: TokenCipher): TokenStore {
  return {
    load() {
      const stored = preferences.read().ownerToken;
      if (!stored) return null;
      if (!stored.isEncrypted) return stored.value;
      if (!cipher.isAvailable()) return null;
      try {
        return cipher.decrypt(Buffer.from(stored.value, "base64"));
      } catch {
        return null;
      }
    },
    save(token) {
      const ownerToken = cipher.isAvailable()
        ? { isEncrypted: true, value: cipher.encrypt(token).toString("base64") }
        : { isEncrypted: false, value: token };
      preferences.update({ ownerToken });
    },
  };
}

/** Whether the server still accepts the token: false only when it says so (401), so an outage keeps it. */
export async function isTokenAccepted(client: HearthClient): Promise<boolean> {
  try {
    await client.verifyCredentials();
    return true;
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) return false;
    throw error;
  }
}

export async function ensureOwnerToken(options: {
  store: TokenStore;
  isAccepted(token: string): Promise<boolean>;
  issue(): Promise<string>;
}): Promise<string> {
  const stored = options.store.load();
  if (stored !== null && (await options.isAccepted(stored))) return stored;
  const issued = await options.issue();
  options.store.save(issued);
  return issued;
}
