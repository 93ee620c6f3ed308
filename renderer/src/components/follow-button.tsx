import { useEffect, useState } from "react";
import type { Account, Relationship } from "../api/entities.ts";
import { actOnAccount, getRelationship, type AccountAction } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";

/** Follow, unfollow, or withdraw a request, with the relationship as the server reports it. */
export function FollowButton({ account, onRelationship }: { account: Account; onRelationship?(relationship: Relationship): void }) {
  const { api, me, announce, isOnline } = useApp();
  const [relationship, setRelationship] = useState<Relationship>();
  const [isBusy, setBusy] = useState(false);

  useEffect(() => {
    if (account.id === me.id) return;
    getRelationship(api, account.id)
      .then((answer) => {
        setRelationship(answer);
        if (answer) onRelationship?.(answer);
      })
      .catch(() => undefined);
  }, [api, account.id, me.id]);

  // A follow of an open account on another server waits for its Accept, which takes a moment: look again.
  const isAwaitingAccept = relationship?.requested === true && !account.locked;
  useEffect(() => {
    if (!isAwaitingAccept) return;
    let tries = 0;
    const timer = setInterval(() => {
      tries += 1;
      if (tries > 20) clearInterval(timer);
      getRelationship(api, account.id)
        .then((answer) => {
          if (!answer || answer.requested) return;
          setRelationship(answer);
          onRelationship?.(answer);
        })
        .catch(() => undefined);
    }, 1_500);
    return () => clearInterval(timer);
  }, [isAwaitingAccept, api, account.id]);

  if (account.id === me.id) return null;
  const act = async (action: AccountAction, done: string) => {
    setBusy(true);
    try {
      const answer = await actOnAccount(api, account.id, action);
      setRelationship(answer);
      onRelationship?.(answer);
      announce(done);
    } catch (error) {
      announce(`That did not work: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const name = `@${account.acct}`;
  if (relationship?.blocking) {
    return (
      <button type="button" disabled={isBusy || !isOnline} onClick={() => void act("unblock", `${name} is no longer blocked.`)}>
        Unblock
      </button>
    );
  }
  if (relationship?.following || relationship?.requested) {
    return (
      <button
        type="button"
        disabled={isBusy || !isOnline}
        onClick={() => void act("unfollow", relationship.requested ? `Request to follow ${name} withdrawn.` : `You no longer follow ${name}.`)}
        aria-label={relationship.requested ? `Withdraw the request to follow ${name}` : `Unfollow ${name}`}
      >
        {relationship.requested ? "Requested" : "Unfollow"}
      </button>
    );
  }
  return (
    <button
      type="button"
      className="primary"
      disabled={isBusy || !isOnline || relationship === undefined}
      onClick={() => void act("follow", account.locked ? `You asked to follow ${name}.` : `You now follow ${name}.`)}
      aria-label={`Follow ${name}`}
    >
      {relationship?.followed_by ? "Follow back" : "Follow"}
    </button>
  );
}
