import { useCallback, useEffect, useState } from "react";
import { getAuthorizedApps, revokeAuthorizedApp, type AuthorizedApp } from "../api/hearth.ts";
import { useApp } from "../app-context.ts";

function when(time: string): string {
  return new Date(time).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The apps signed in to this account, one line per app as Mastodon's "Authorized apps"; revoking signs all of its sessions out. */
export function SessionsPanel() {
  const { api, signOut, announce } = useApp();
  const [apps, setApps] = useState<AuthorizedApp[]>();
  const [error, setError] = useState<string>();

  const reload = useCallback(() => {
    getAuthorizedApps(api)
      .then(setApps)
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [api]);
  useEffect(reload, [reload]);

  const revoke = async (app: AuthorizedApp) => {
    try {
      const answer = await revokeAuthorizedApp(api, app.id);
      // This browser's own token went with it: leave cleanly rather than wait for the next 401.
      if (answer.current) return void (await signOut());
      announce(`${app.name} was signed out.`);
      reload();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  if (!apps) return error ? <p role="alert">{error}</p> : <span className="spinner" role="progressbar" aria-label="Loading" />;
  return (
    <>
      {error && <p role="alert">{error}</p>}
      <ul className="authorized-apps" aria-label="Signed-in apps">
        {apps.map((app) => (
          <li key={app.id}>
            <span>
              <strong>{app.name}</strong>
              {app.website && <span className="hint"> {new URL(app.website).host}</span>}
              {app.current && <span className="hint"> (this browser)</span>}
            </span>
            <span className="hint">
              {app.scopes.join(", ")} · since {when(app.created_at)}
              {app.last_used_at ? ` · last used ${when(app.last_used_at)}` : ""}
              {app.sessions > 1 ? ` · ${app.sessions} sessions` : ""}
            </span>
            <button type="button" onClick={() => void revoke(app)} aria-label={`Revoke ${app.name}`}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
