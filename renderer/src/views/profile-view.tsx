import { useCallback, useEffect, useMemo, useState } from "react";
import type { Account, Relationship } from "../api/entities.ts";
import { ApiError, NetworkError } from "../api/http.ts";
import type { PageQuery } from "../api/link-header.ts";
import { accountStatusesPage, actOnAccount, lookupAccount, search } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { Avatar } from "../components/avatar.tsx";
import { EmojiText } from "../components/emoji-text.tsx";
import { FollowButton } from "../components/follow-button.tsx";
import { Icon } from "../components/icons.tsx";
import { Link } from "../components/link.tsx";
import { Menu, type MenuItem } from "../components/menu.tsx";
import { StatusFeed } from "../components/status-feed.tsx";
import { sameServerUrl } from "../media-url.ts";
import { useStatusFeed } from "../state/use-status-feed.ts";
import { sanitizePostHtml } from "../text/sanitize-html.ts";

/** Finds an account by handle: this server's records first, then (for a handle elsewhere) a WebFinger lookup. */
async function findAccount(api: ReturnType<typeof useApp>["api"], acct: string): Promise<Account | undefined> {
  try {
    return await lookupAccount(api, acct);
  } catch (error) {
    if (!(error instanceof ApiError) || !acct.includes("@")) throw error;
  }
  const results = await search(api, `@${acct}`);
  return results.accounts.find((account) => account.acct.toLowerCase() === acct.toLowerCase()) ?? results.accounts[0];
}

function ProfileStatuses({ account }: { account: Account }) {
  const { api } = useApp();
  const load = useCallback((query: PageQuery) => accountStatusesPage(api, account.id, query), [api, account.id]);
  const feed = useStatusFeed(`account:${account.id}`, load);
  return <StatusFeed feed={feed} label={`Posts by ${account.display_name || account.username}`} emptyText="No posts yet." />;
}

export function ProfileView({ acct }: { acct: string }) {
  const { api, me, cache, announce } = useApp();
  const cacheName = `profile:${acct.toLowerCase()}`;
  const [account, setAccount] = useState<Account | undefined>(() => (acct === me.acct ? me : cache.get<Account>(cacheName)));
  const [relationship, setRelationship] = useState<Relationship>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let isCurrent = true;
    findAccount(api, acct)
      .then((found) => {
        if (!isCurrent) return;
        if (!found) setError(`No account @${acct} was found.`);
        else {
          setAccount(found);
          cache.put(cacheName, found);
        }
      })
      .catch((caught: unknown) => {
        if (isCurrent && !(caught instanceof NetworkError)) setError((caught as Error).message);
      });
    return () => {
      isCurrent = false;
    };
  }, [api, acct, cache, cacheName]);

  const note = useMemo(() => (account ? sanitizePostHtml(account.note, account.emojis) : ""), [account]);

  if (!account) {
    return (
      <section className="column" aria-busy={!error}>
        <h1>@{acct}</h1>
        {error ? <p role="alert">{error}</p> : <span className="spinner" role="progressbar" aria-label="Loading the profile" />}
      </section>
    );
  }

  const isMe = account.id === me.id;
  const act = async (action: "mute" | "unmute" | "block" | "unblock", words: string) => {
    try {
      setRelationship(await actOnAccount(api, account.id, action));
      announce(words);
    } catch (caught) {
      announce(`That did not work: ${(caught as Error).message}`);
    }
  };
  const menu: MenuItem[] = [
    relationship?.muting
      ? { label: `Unmute @${account.acct}`, onSelect: () => void act("unmute", `@${account.acct} is no longer muted.`) }
      : { label: `Mute @${account.acct}`, onSelect: () => void act("mute", `@${account.acct} is muted: their posts no longer show up for you.`) },
    relationship?.blocking
      ? { label: `Unblock @${account.acct}`, onSelect: () => void act("unblock", `@${account.acct} is no longer blocked.`) }
      : { label: `Block @${account.acct}`, onSelect: () => void act("block", `@${account.acct} is blocked.`), isDangerous: true },
  ];
  if (account.url) menu.push({ label: "Open original page", onSelect: () => window.open(account.url, "_blank", "noopener") });

  return (
    <section className="column" aria-labelledby="profile-title">
      <div className="profile">
        <div className="profile-header-image">{account.header && !account.header.endsWith("/missing.png") && <img src={sameServerUrl(account.header_static || account.header)} alt="" />}</div>
        <div className="profile-top">
          <Avatar account={account} size={88} label={`${account.display_name || account.username}'s avatar`} />
          <div className="profile-buttons">
            {isMe ? (
              <Link to={{ name: "settings" }} className="button">
                Edit profile
              </Link>
            ) : (
              <>
                <FollowButton key={relationship?.blocking ? "blocked" : "open"} account={account} onRelationship={setRelationship} />
                <Menu label="More" icon={<Icon name="more" />} items={menu} />
              </>
            )}
          </div>
        </div>
        <h1 id="profile-title">
          <bdi>{account.display_name ? <EmojiText text={account.display_name} emojis={account.emojis} /> : account.username}</bdi>
          {account.locked && (
            <span title="Approves followers by hand">
              {" "}
              <Icon name="lock" size={16} />
              <span className="visually-hidden">(approves followers)</span>
            </span>
          )}
        </h1>
        <p className="muted">
          @{account.acct}
          {relationship?.followed_by && <span className="badge">Follows you</span>}
        </p>
        {account.moved && (
          <p className="info-banner moved-banner" role="status">
            This account has moved to{" "}
            <Link to={{ name: "profile", acct: account.moved.acct }}>
              <strong>@{account.moved.acct}</strong>
            </Link>
            .
          </p>
        )}
        {note && <div className="profile-note" dangerouslySetInnerHTML={{ __html: note }} />}
        {account.fields.length > 0 && (
          <dl className="profile-fields">
            {account.fields.map((field) => (
              <div key={field.name} className={field.verified_at ? "verified" : undefined}>
                <dt>
                  <EmojiText text={field.name} emojis={account.emojis} />
                </dt>
                <dd dangerouslySetInnerHTML={{ __html: sanitizePostHtml(field.value, account.emojis) }} />
              </div>
            ))}
          </dl>
        )}
        <p className="profile-counts">
          <span>
            <strong>{account.statuses_count}</strong> posts
          </span>
          <span>
            <strong>{account.following_count}</strong> following
          </span>
          <span>
            <strong>{account.followers_count}</strong> followers
          </span>
        </p>
      </div>
      <ProfileStatuses account={account} />
    </section>
  );
}
