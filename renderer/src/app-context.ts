import { createContext, useContext } from "react";
import type { CredentialAccount, Instance, Status } from "./api/entities.ts";
import type { ApiClient } from "./api/http.ts";
import type { StreamEvent } from "./api/streaming.ts";
import type { Connectivity } from "./state/connectivity.ts";
import type { OfflineCache } from "./state/offline-cache.ts";
import type { Outbox } from "./state/outbox.ts";

/** What the compose box is for: a new post, a reply, an edit, or a deleted post written again. */
export interface ComposeRequest {
  replyTo?: Status;
  editing?: Status;
  redraft?: Status;
  quote?: Status;
}

/** Everything a signed-in page needs, handed down once rather than imported as singletons. */
export interface SignedInContext {
  api: ApiClient;
  me: CredentialAccount;
  setMe(me: CredentialAccount): void;
  instance: Instance | null;
  /** Asks the server again who it is and who we are (after its public address changed, say). */
  refreshAccount(): Promise<void>;
  isOwner: boolean;
  connectivity: Connectivity;
  isOnline: boolean;
  cache: OfflineCache;
  outbox: Outbox;
  /** Whether the streaming socket is open (if not, timelines ask the server now and then). */
  isStreaming: boolean;
  /** Events of the signed-in person's stream (home timeline, notifications); returns the unsubscribe. */
  onStreamEvent(listener: (event: StreamEvent) => void): () => void;
  openCompose(request?: ComposeRequest): void;
  /** Tells assistive technology (and everyone, briefly) what just happened. */
  announce(message: string): void;
  signOut(): Promise<void>;
}

export const AppContext = createContext<SignedInContext | null>(null);

export function useApp(): SignedInContext {
  const context = useContext(AppContext);
  if (!context) throw new Error("useApp() outside the signed-in app.");
  return context;
}
