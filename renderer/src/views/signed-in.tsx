import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { CredentialAccount, Instance } from "../api/entities.ts";
import { getHealth } from "../api/hearth.ts";
import { createApiClient, NetworkError } from "../api/http.ts";
import { getInstance, postStatus, verifyCredentials } from "../api/mastodon.ts";
import { connectStreaming, streamingUrl, type StreamEvent } from "../api/streaming.ts";
import { AppContext, type ComposeRequest, type SignedInContext } from "../app-context.ts";
import { revokeSession } from "../auth/oauth-flow.ts";
import { clearSession, type Session } from "../auth/session.ts";
import { ComposeDialog } from "../components/compose-dialog.tsx";
import { Shell } from "../components/shell.tsx";
import { ConnectivityMonitor, isOnline } from "../state/connectivity.ts";
import { readJson, writeJson } from "../state/key-value-store.ts";
import { OfflineCache } from "../state/offline-cache.ts";
import { emitStatusEvent } from "../state/local-events.ts";
import { Outbox, type QueuedPost } from "../state/outbox.ts";
import { setPublicHost } from "../media-url.ts";
import { navigate, useRoute } from "../router.ts";
import { WelcomeView } from "./welcome-view.tsx";

// The signed-in person and the instance, kept so the app opens offline with what it last knew.
const ME_KEY = "hearth.me";
const INSTANCE_KEY = "hearth.instance";

type Load = { state: "loading" } | { state: "failed"; reason: string } | { state: "ready" };

function useConnectivity(monitor: ConnectivityMonitor) {
  return useSyncExternalStore(monitor.subscribe, monitor.snapshot);
}

export function SignedIn({ session, onSignedOut }: { session: Session; onSignedOut(): void }) {
  const route = useRoute();
  const monitor = useMemo(
    () => new ConnectivityMonitor(navigator.onLine, async () => (await getHealth(createApiClient())).status === "ok"),
    [],
  );
  const connectivity = useConnectivity(monitor);
  const online = isOnline(connectivity);
  const [me, setMe] = useState<CredentialAccount | undefined>(() => readJson<CredentialAccount>(localStorage, ME_KEY));
  const [instance, setInstance] = useState<Instance | null>(() => readJson<Instance>(localStorage, INSTANCE_KEY) ?? null);
  setPublicHost(instance?.domain);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [compose, setCompose] = useState<ComposeRequest | undefined>();
  const [announcement, setAnnouncement] = useState("");
  const [isStreaming, setStreaming] = useState(false);
  const streamListeners = useRef(new Set<(event: StreamEvent) => void>());

  const forget = useCallback(() => {
    const id = readJson<CredentialAccount>(localStorage, ME_KEY)?.id;
    if (id) new OfflineCache(localStorage, id).clear();
    localStorage.removeItem(ME_KEY);
    clearSession(localStorage);
    onSignedOut();
  }, [onSignedOut]);

  const api = useMemo(
    () =>
      createApiClient({
        token: session.accessToken,
        onReachability: monitor.report,
        // The token was revoked (signed out elsewhere, or by the owner): back to the sign-in page.
        onUnauthorized: forget,
      }),
    [session.accessToken, monitor, forget],
  );

  useEffect(() => {
    const onOnline = () => monitor.browserChanged(true);
    const onOffline = () => monitor.browserChanged(false);
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    return () => {
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      monitor.stop();
    };
  }, [monitor]);

  const refreshMe = useCallback(async () => {
    try {
      const [account, server] = await Promise.all([verifyCredentials(api), getInstance(api)]);
      writeJson(localStorage, ME_KEY, account);
      writeJson(localStorage, INSTANCE_KEY, server);
      setMe(account);
      setInstance(server);
      setLoad({ state: "ready" });
    } catch (error) {
      // Offline with a saved account: open with it; the banner says what is going on.
      if (error instanceof NetworkError && readJson(localStorage, ME_KEY)) setLoad({ state: "ready" });
      else setLoad({ state: "failed", reason: (error as Error).message });
    }
  }, [api]);

  useEffect(() => {
    void refreshMe();
  }, [refreshMe]);

  const meId = me?.id;
  const outbox = useMemo(() => (meId ? new Outbox(localStorage, meId) : undefined), [meId]);
  const cache = useMemo(() => (meId ? new OfflineCache(localStorage, meId) : undefined), [meId]);

  // Back online: send what was written meanwhile, and catch up on who we are.
  useEffect(() => {
    if (!online || !outbox) return;
    const send = async (post: QueuedPost) => emitStatusEvent({ type: "posted", status: await postStatus(api, post.status, post.key) });
    void outbox.flush(send).then((result) => {
      if (result.sent > 0) setAnnouncement(result.sent === 1 ? "Your post written offline was sent." : `${result.sent} posts written offline were sent.`);
      if (result.refused > 0) setAnnouncement("A post written offline was refused by the server; it waits in your outbox.");
    });
  }, [online, outbox, api]);

  useEffect(() => {
    if (!meId) return;
    const connection = connectStreaming({
      url: streamingUrl(location),
      token: session.accessToken,
      subscription: { stream: "user" },
      onEvent: (event) => {
        for (const listener of streamListeners.current) listener(event);
      },
      onOpenChange: setStreaming,
    });
    return () => connection.close();
  }, [meId, session.accessToken]);

  const signOut = useCallback(async () => {
    try {
      await revokeSession(api, session);
    } catch {
      // Offline or already revoked: forgetting it here is what matters to this browser.
    }
    forget();
    navigate("/", { replace: true });
  }, [api, session, forget]);

  const context: SignedInContext | undefined = useMemo(
    () =>
      me && cache && outbox
        ? {
            api,
            me,
            setMe: (account: CredentialAccount) => {
              writeJson(localStorage, ME_KEY, account);
              setMe(account);
            },
            instance,
            refreshAccount: refreshMe,
            isOwner: me.role?.name === "Owner",
            connectivity,
            isOnline: online,
            cache,
            outbox,
            isStreaming,
            onStreamEvent: (listener) => {
              streamListeners.current.add(listener);
              return () => streamListeners.current.delete(listener);
            },
            openCompose: (request = {}) => setCompose(request),
            announce: setAnnouncement,
            signOut,
          }
        : undefined,
    [api, me, instance, refreshMe, connectivity, online, cache, outbox, isStreaming, signOut],
  );

  if (!context) {
    if (load.state === "failed") {
      return (
        <main className="centered">
          <div className="card narrow">
            <h1>Signing in did not work</h1>
            <p role="alert">{load.reason}</p>
            <button type="button" className="primary" onClick={() => void refreshMe()}>
              Try again
            </button>{" "}
            <button type="button" onClick={forget}>
              Sign out
            </button>
          </div>
        </main>
      );
    }
    return (
      <main className="centered" aria-busy="true">
        <p role="status">Loading your account…</p>
      </main>
    );
  }

  return (
    <AppContext.Provider value={context}>
      {route.name === "welcome" ? <WelcomeView /> : <Shell />}
      {compose && <ComposeDialog request={compose} onClose={() => setCompose(undefined)} />}
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {announcement && <Toast message={announcement} onDone={() => setAnnouncement("")} />}
    </AppContext.Provider>
  );
}

function Toast({ message, onDone }: { message: string; onDone(): void }) {
  const done = useRef(onDone);
  done.current = onDone;
  // Five seconds per message, however often the app re-renders meanwhile.
  useEffect(() => {
    const timer = setTimeout(() => done.current(), 5_000);
    return () => clearTimeout(timer);
  }, [message]);
  return (
    <div className="toast" aria-hidden="true">
      {message}
    </div>
  );
}
