import { useState } from "react";
import { createApiClient } from "../api/http.ts";
import { beginSignIn } from "../auth/oauth-flow.ts";

const stores = () => ({ local: localStorage, session: sessionStorage });

/** Starts the OAuth sign-in and sends the browser to the server's sign-in page. */
export async function goToSignIn(returnTo: string): Promise<void> {
  const url = await beginSignIn(createApiClient(), stores(), location.origin, returnTo);
  location.assign(url);
}

export function SignInPage({ message }: { message?: string }) {
  const [error, setError] = useState<string | undefined>(message);
  const [isBusy, setBusy] = useState(false);

  const signIn = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const returnTo = location.pathname === "/sign-in/callback" ? "/" : `${location.pathname}${location.search}`;
      await goToSignIn(returnTo);
    } catch (caught) {
      setError((caught as Error).message);
      setBusy(false);
    }
  };

  return (
    <main className="centered">
      <div className="card narrow">
        <h1 className="brand">Hearth</h1>
        <p>Your own corner of the fediverse, running on this computer.</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="primary wide" onClick={() => void signIn()} disabled={isBusy} autoFocus>
          {isBusy ? "Opening sign-in…" : "Sign in"}
        </button>
      </div>
    </main>
  );
}
