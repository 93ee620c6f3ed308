import { useEffect, useState } from "react";
import { getSignInFailures, type SignInFailure } from "../api/hearth.ts";
import { useApp } from "../app-context.ts";

/** Recent wrong passwords given at sign-in, for the owner: who tried which username, from where, with what. */
export function SignInFailures() {
  const { api } = useApp();
  const [failures, setFailures] = useState<SignInFailure[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getSignInFailures(api)
      .then(setFailures)
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [api]);
  if (error) return <p role="alert">{error}</p>;
  if (!failures) return <span className="spinner" role="progressbar" aria-label="Loading" />;
  return (
    <>
      <p className="hint">
        After 10 wrong passwords in 15 minutes, signing in to that account waits, whatever address the tries come from. Addresses are the visitor's
        own as Cloudflare saw them; 127.0.0.1 is this computer.
      </p>
      {failures.length === 0 ? (
        <p>No failed sign-ins.</p>
      ) : (
        <ol className="sign-in-failures" aria-label="Failed sign-ins, newest first">
          {failures.map((failure) => (
            <li key={failure.id}>
              <span>
                <strong>{failure.username}</strong> from <code>{failure.address}</code> on{" "}
                <time dateTime={failure.created_at}>{new Date(failure.created_at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}</time>
              </span>
              <span className="hint user-agent">{failure.user_agent ?? "No app or browser named"}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
