import { useCallback, useEffect, useState, type FormEvent } from "react";
import { createInvite, getInvites, revokeInvite, type Invite, type InviteExpiry } from "../api/hearth.ts";
import { useApp } from "../app-context.ts";

// Mastodon's choices (its invite form), with the same defaults as `hearth invite`: one person, one week.
const USES: Array<[number | "unlimited", string]> = [
  [1, "1 use"],
  [5, "5 uses"],
  [10, "10 uses"],
  [25, "25 uses"],
  [50, "50 uses"],
  [100, "100 uses"],
  ["unlimited", "No limit"],
];
const EXPIRIES: Array<[InviteExpiry, string]> = [
  ["30m", "30 minutes"],
  ["1h", "1 hour"],
  ["6h", "6 hours"],
  ["12h", "12 hours"],
  ["1d", "1 day"],
  ["7d", "1 week"],
  ["never", "Never"],
];

const STATE_WORDS: Record<Invite["state"], string> = { usable: "Usable", revoked: "Revoked", expired: "Expired", used_up: "Used up" };

function describeInvite(invite: Invite): string {
  const left = invite.uses_left === null ? `${invite.uses} used, no limit` : `${invite.uses_left} of ${invite.max_uses} uses left`;
  const until = invite.expires_at === null ? "never expires" : `until ${new Date(invite.expires_at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}`;
  return `${STATE_WORDS[invite.state]} · ${left} · ${until}${invite.autofollow ? " · follows you" : ""}`;
}

/** The owner's invite links: make one (uses, expiry, a note, follow me), see how much each has left, revoke. */
export function InvitesPanel() {
  const { api } = useApp();
  const [invites, setInvites] = useState<Invite[]>();
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);
  const [uses, setUses] = useState<number | "unlimited">(1);
  const [expiresIn, setExpiresIn] = useState<InviteExpiry>("7d");
  const [comment, setComment] = useState("");
  const [autofollow, setAutofollow] = useState(true);

  const reload = useCallback(() => {
    getInvites(api)
      .then(setInvites)
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [api]);
  useEffect(reload, [reload]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await createInvite(api, { max_uses: uses, expires_in: expiresIn, comment, autofollow });
      setComment("");
      reload();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (invite: Invite) => {
    setError(undefined);
    try {
      await revokeInvite(api, invite.id);
      reload();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <>
      <p className="hint">
        Hearth has no open sign-up: people join by a link you give them. They choose a username and password on the link's page, then sign in with any
        Mastodon app or this web client.
      </p>
      <form className="invite-form" onSubmit={(event) => void submit(event)} aria-label="New invite link">
        <label>
          Can be used
          <select value={String(uses)} onChange={(event) => setUses(event.target.value === "unlimited" ? "unlimited" : Number(event.target.value))}>
            {USES.map(([value, words]) => (
              <option key={String(value)} value={String(value)}>
                {words}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires after
          <select value={expiresIn} onChange={(event) => setExpiresIn(event.target.value as InviteExpiry)}>
            {EXPIRIES.map(([value, words]) => (
              <option key={value} value={value}>
                {words}
              </option>
            ))}
          </select>
        </label>
        <label>
          Note (only you see it)
          <input value={comment} maxLength={420} onChange={(event) => setComment(event.target.value)} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={autofollow} onChange={(event) => setAutofollow(event.target.checked)} />
          Follow me: the new member follows you
        </label>
        <button type="submit" className="primary" disabled={isBusy}>
          Create invite link
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      {!invites ? (
        <span className="spinner" role="progressbar" aria-label="Loading" />
      ) : invites.length === 0 ? (
        <p>No invite links yet.</p>
      ) : (
        <ol className="invites" aria-label="Invite links, newest first">
          {invites.map((invite) => (
            <li key={invite.id} data-state={invite.state}>
              <input className="invite-url" readOnly value={invite.url} aria-label="Invite link" onFocus={(event) => event.target.select()} />
              <span className="hint">
                {describeInvite(invite)}
                {invite.comment && ` · ${invite.comment}`}
              </span>
              {invite.state === "usable" && (
                <button type="button" onClick={() => void revoke(invite)}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
