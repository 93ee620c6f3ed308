import { readJson, writeJson, type KeyValueStore } from "../state/key-value-store.ts";

/** The signed-in person on this browser: the token, and the app it was issued to (to revoke it). */
export interface Session {
  accessToken: string;
  clientId: string;
  clientSecret: string;
}

const SESSION_KEY = "hearth.session";

export function loadSession(store: KeyValueStore): Session | undefined {
  const session = readJson<Session>(store, SESSION_KEY);
  return session && typeof session.accessToken === "string" ? session : undefined;
}

export function saveSession(store: KeyValueStore, session: Session): void {
  writeJson(store, SESSION_KEY, session);
}

export function clearSession(store: KeyValueStore): void {
  store.removeItem(SESSION_KEY);
}
