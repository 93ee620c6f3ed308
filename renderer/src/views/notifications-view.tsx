import { useCallback, useEffect, useMemo, useState } from "react";
import type { Account, Notification } from "../api/entities.ts";
import { NetworkError } from "../api/http.ts";
import type { PageQuery } from "../api/link-header.ts";
import { answerFollowRequest, followRequestsPage, notificationsPage } from "../api/mastodon.ts";
import { useApp } from "../app-context.ts";
import { Avatar, DisplayName } from "../components/avatar.tsx";
import { Icon, type IconName } from "../components/icons.tsx";
import { Link } from "../components/link.tsx";
import { StatusCard } from "../components/status-card.tsx";
import { TimeAgo } from "../components/time-ago.tsx";
import { groupNotifications, type NotificationGroup } from "../state/notification-groups.ts";
import { compareIdsDescending } from "../state/timeline-state.ts";

const CACHE_NAME = "notifications";

const WORDS: Record<string, { icon: IconName; one: string; many: string }> = {
  favourite: { icon: "star", one: "liked your post", many: "liked your post" },
  reblog: { icon: "boost", one: "boosted your post", many: "boosted your post" },
  follow: { icon: "user", one: "followed you", many: "followed you" },
  follow_request: { icon: "lock", one: "asked to follow you", many: "asked to follow you" },
  poll: { icon: "poll", one: "A poll you voted in has ended", many: "Polls have ended" },
  update: { icon: "edit", one: "edited a post you interacted with", many: "edited a post" },
  status: { icon: "bell", one: "posted", many: "posted" },
};

function who(accounts: Account[]): string {
  const first = accounts[0];
  if (!first) return "Someone";
  const name = first.display_name || first.username;
  if (accounts.length === 1) return name;
  if (accounts.length === 2) return `${name} and ${accounts[1]!.display_name || accounts[1]!.username}`;
  return `${name} and ${accounts.length - 1} others`;
}

function GroupItem({ group }: { group: NotificationGroup }) {
  if ((group.type === "mention" || group.type === "status") && group.status) return <StatusCard status={group.status} />;
  const words = WORDS[group.type] ?? { icon: "bell" as const, one: group.type, many: group.type };
  const isAccountOnly = group.type === "follow" || group.type === "follow_request";
  return (
    <article className="notification" tabIndex={0} aria-label={`${who(group.accounts)} ${group.accounts.length > 1 ? words.many : words.one}`}>
      <span className="notification-icon">
        <Icon name={words.icon} />
      </span>
      <div className="notification-body">
        <div className="avatar-row">
          {group.accounts.slice(0, 8).map((account) => (
            <Link key={account.id} to={{ name: "profile", acct: account.acct }} aria-label={account.display_name || account.username}>
              <Avatar account={account} size={32} />
            </Link>
          ))}
        </div>
        <p>
          <strong>{who(group.accounts)}</strong> {group.accounts.length > 1 ? words.many : words.one} · <TimeAgo iso={group.createdAt} />
        </p>
        {isAccountOnly && group.accounts.length === 1 && <DisplayName account={group.accounts[0]!} />}
        {group.status && !isAccountOnly && (
          <Link className="notification-status muted" to={{ name: "status", acct: group.status.account.acct, id: group.status.id }}>
            {group.status.spoiler_text || new DOMParser().parseFromString(group.status.content, "text/html").body.textContent?.slice(0, 200)}
          </Link>
        )}
      </div>
    </article>
  );
}

function FollowRequests() {
  const { api, announce } = useApp();
  const [requests, setRequests] = useState<Account[]>([]);
  useEffect(() => {
    followRequestsPage(api)
      .then((page) => setRequests(page.items))
      .catch(() => undefined);
  }, [api]);
  const answer = async (account: Account, choice: "authorize" | "reject") => {
    try {
      await answerFollowRequest(api, account.id, choice);
      setRequests((current) => current.filter((item) => item.id !== account.id));
      announce(choice === "authorize" ? `${account.acct} now follows you.` : `Request from ${account.acct} declined.`);
    } catch (error) {
      announce(`That did not work: ${(error as Error).message}`);
    }
  };
  if (requests.length === 0) return null;
  return (
    <section className="follow-requests" aria-labelledby="requests-title">
      <h2 id="requests-title">Follow requests</h2>
      <ul>
        {requests.map((account) => (
          <li key={account.id} className="account-row">
            <Link to={{ name: "profile", acct: account.acct }} className="account-link">
              <Avatar account={account} size={40} />
              <DisplayName account={account} />
            </Link>
            <button type="button" className="primary" onClick={() => void answer(account, "authorize")}>
              Accept
            </button>
            <button type="button" onClick={() => void answer(account, "reject")}>
              Decline
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Notifications, newest first, with likes and boosts of one post gathered; they arrive live on the user stream. */
export function NotificationsView() {
  const { api, cache, onStreamEvent, isOnline } = useApp();
  const [notifications, setNotifications] = useState<Notification[]>(() => cache.get<Notification[]>(CACHE_NAME) ?? []);
  const [older, setOlder] = useState<PageQuery | null>(null);
  const [isLoading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [filter, setFilter] = useState<"all" | "mentions">("all");

  const add = useCallback((incoming: Notification[], replace = false) => {
    setNotifications((current) => {
      const byId = new Map((replace ? [] : current).map((item) => [item.id, item]));
      for (const item of incoming) byId.set(item.id, item);
      return [...byId.values()].sort((a, b) => compareIdsDescending(a.id, b.id));
    });
  }, []);

  const load = useCallback(
    async (query: PageQuery = {}) => {
      setLoading(true);
      try {
        const page = await notificationsPage(api, query);
        add(page.items, Object.keys(query).length === 0);
        setOlder(page.items.length > 0 ? page.next : null);
        setError(undefined);
      } catch (caught) {
        if (!(caught instanceof NetworkError)) setError((caught as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [api, add],
  );

  useEffect(() => {
    if (isOnline) void load();
  }, [load, isOnline]);
  useEffect(() => {
    if (notifications.length > 0) cache.put(CACHE_NAME, notifications.slice(0, 40));
  }, [cache, notifications]);
  useEffect(
    () =>
      onStreamEvent((event) => {
        if (event.event === "notification") add([event.notification]);
      }),
    [onStreamEvent, add],
  );

  const shown = useMemo(
    () => groupNotifications(filter === "mentions" ? notifications.filter((item) => item.type === "mention") : notifications),
    [notifications, filter],
  );

  return (
    <section className="column" aria-labelledby="notifications-title">
      <header className="column-header">
        <h1 id="notifications-title">Notifications</h1>
        <div className="tabs" role="group" aria-label="Show">
          <button type="button" aria-pressed={filter === "all"} onClick={() => setFilter("all")}>
            All
          </button>
          <button type="button" aria-pressed={filter === "mentions"} onClick={() => setFilter("mentions")}>
            Mentions
          </button>
        </div>
      </header>
      <FollowRequests />
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      <div className="feed" role="feed" aria-label="Notifications" aria-busy={isLoading}>
        {shown.map((group) => (
          <GroupItem key={group.key} group={group} />
        ))}
      </div>
      {!isLoading && shown.length === 0 && <p className="empty">Nothing yet. When people follow you, mention you, like or boost your posts, you will see it here.</p>}
      <div className="feed-end">
        {isLoading && <span className="spinner" role="progressbar" aria-label="Loading notifications" />}
        {!isLoading && older && (
          <button type="button" onClick={() => void load(older)}>
            Load older notifications
          </button>
        )}
      </div>
    </section>
  );
}
