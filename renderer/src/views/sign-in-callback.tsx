import { useEffect, useRef, useState } from "react";
import { createApiClient } from "../api/http.ts";
import { completeSignIn } from "../auth/oauth-flow.ts";
import { saveSession, type Session } from "../auth/session.ts";
import { navigate } from "../router.ts";
import { SignInPage } from "./sign-in-page.tsx";

/** Where /oauth/authorize sends the browser back: trade the code for a token, then go where the person was going. */
export function SignInCallback({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const [error, setError] = useState<string>();
  const started = useRef(false);

  useEffect(() => {
    // Once only: a code is good once, and StrictMode runs effects twice in development.
    if (started.current) return;
    started.current = true;
    completeSignIn(createApiClient(), { local: localStorage, session: sessionStorage }, location.search)
      .then(({ session, returnTo }) => {
        saveSession(localStorage, session);
        onSignedIn(session);
        navigate(returnTo, { replace: true });
      })
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [onSignedIn]);

  if (error) return <SignInPage message={error} />;
  return (
    <main className="centered" aria-busy="true">
      <p role="status">Signing in…</p>
    </main>
  );
}
