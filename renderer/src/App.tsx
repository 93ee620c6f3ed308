import { useCallback, useEffect, useState } from "react";
import { getHealth } from "./api/hearth.ts";
import { createApiClient, NetworkError } from "./api/http.ts";
import { loadSession, type Session } from "./auth/session.ts";
import { useRoute } from "./router.ts";
import { SetupWizard } from "./views/setup-wizard.tsx";
import { SignInCallback } from "./views/sign-in-callback.tsx";
import { SignInPage } from "./views/sign-in-page.tsx";
import { SignedIn } from "./views/signed-in.tsx";

type Boot = { state: "asking" } | { state: "unreachable"; reason: string } | { state: "ready"; isSetUp: boolean };

/**
 * The first question: is this server set up? An empty data directory gets the wizard; otherwise the person
 * signs in (through OAuth, like any app) or is already signed in.
 */
export function App() {
  const route = useRoute();
  const [boot, setBoot] = useState<Boot>({ state: "asking" });
  const [session, setSession] = useState<Session | undefined>(() => loadSession(localStorage));

  const ask = useCallback(async (signal?: AbortSignal) => {
    try {
      const health = await getHealth(createApiClient(), signal);
      setBoot({ state: "ready", isSetUp: health.setUp });
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      setBoot({ state: "unreachable", reason: error instanceof NetworkError ? error.message : String(error) });
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void ask(controller.signal);
    return () => controller.abort();
  }, [ask]);

  if (route.name === "sign-in-callback") return <SignInCallback onSignedIn={setSession} />;
  // Signed in already: the app opens from what it saved even when the server cannot be reached right now.
  if (session) return <SignedIn session={session} onSignedOut={() => setSession(undefined)} />;
  if (boot.state === "asking") {
    return (
      <main className="centered" aria-busy="true">
        <p role="status">Connecting to Hearth…</p>
      </main>
    );
  }
  if (boot.state === "unreachable") {
    return (
      <main className="centered">
        <div className="card narrow">
          <h1>Hearth cannot be reached</h1>
          <p role="alert">{boot.reason} Check that Hearth is running on this computer.</p>
          <button type="button" className="primary" onClick={() => void ask()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!boot.isSetUp) return <SetupWizard onSetUp={() => setBoot({ state: "ready", isSetUp: true })} />;
  return <SignInPage />;
}
