import { useApp } from "../app-context.ts";
import { navigate } from "../router.ts";

/** A moved account is read-only: says so on every page, with the way back. */
export function MovedBanner() {
  const { me } = useApp();
  if (!me.moved) return null;
  return (
    <div className="info-banner moved-banner" role="status">
      This account has moved to <strong>@{me.moved.acct}</strong>: it can no longer post, follow, boost or favourite.{" "}
      <button type="button" className="quiet" onClick={() => navigate({ name: "settings" })}>
        Undo in settings
      </button>
    </div>
  );
}
