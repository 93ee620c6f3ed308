import { useEffect, useRef, useState } from "react";
import { useApp } from "../app-context.ts";
import { desktopBridge } from "../desktop.ts";
import { navigate, useRoute, type Route } from "../router.ts";
import { AdminView, isStaff } from "../views/admin-view.tsx";
import { ListsView, ListView } from "../views/lists-view.tsx";
import { NotificationsView } from "../views/notifications-view.tsx";
import { ProfileView } from "../views/profile-view.tsx";
import { SearchView } from "../views/search-view.tsx";
import { SettingsView } from "../views/settings-view.tsx";
import { StatusListView } from "../views/status-list-view.tsx";
import { StatusView } from "../views/status-view.tsx";
import { TimelineView } from "../views/timeline-view.tsx";
import { Avatar } from "./avatar.tsx";
import { Icon, type IconName } from "./icons.tsx";
import { Link } from "./link.tsx";
import { MovedBanner } from "./moved-banner.tsx";
import { OfflineBanner } from "./offline-banner.tsx";
import { TagFollowButton } from "./tag-follow-button.tsx";

interface NavItem {
  route: Route;
  label: string;
  icon: IconName;
  /** Shown in the phone's bottom bar too. */
  isPrimary?: boolean;
}

const NAV: NavItem[] = [
  { route: { name: "home" }, label: "Home", icon: "home", isPrimary: true },
  { route: { name: "notifications" }, label: "Notifications", icon: "bell", isPrimary: true },
  { route: { name: "local" }, label: "Local", icon: "users", isPrimary: true },
  { route: { name: "federated" }, label: "Federated", icon: "globe" },
  { route: { name: "search", query: "" }, label: "Search", icon: "search", isPrimary: true },
  { route: { name: "bookmarks" }, label: "Bookmarks", icon: "bookmark" },
  { route: { name: "favourites" }, label: "Favourites", icon: "star" },
  { route: { name: "lists" }, label: "Lists", icon: "list" },
  { route: { name: "settings" }, label: "Settings", icon: "settings", isPrimary: true },
];

/** Shown to the owner and moderators only; a member's token is refused by the server all the same. */
const ADMIN_ITEM: NavItem = { route: { name: "admin", section: "accounts" }, label: "Admin", icon: "shield" };

function RouteView({ route }: { route: Route }) {
  switch (route.name) {
    case "home":
      return <TimelineView key="home" timeline={{ kind: "home" }} title="Home" />;
    case "local":
      return <TimelineView key="local" timeline={{ kind: "local" }} title="Local" description="Posts from everyone on this server." />;
    case "federated":
      return (
        <TimelineView key="federated" timeline={{ kind: "federated" }} title="Federated" description="Public posts from every server this one knows." />
      );
    case "tag":
      return (
        <TimelineView key={`tag:${route.tag}`} timeline={{ kind: "tag", tag: route.tag }} title={`#${route.tag}`}>
          <TagFollowButton tag={route.tag} />
        </TimelineView>
      );
    case "notifications":
      return <NotificationsView />;
    case "search":
      return <SearchView key={route.query} query={route.query} />;
    case "bookmarks":
      return <StatusListView key="bookmarks" kind="bookmarks" />;
    case "favourites":
      return <StatusListView key="favourites" kind="favourites" />;
    case "settings":
      return <SettingsView />;
    case "admin":
      return <AdminView section={route.section} />;
    case "lists":
      return <ListsView />;
    case "list":
      return <ListView key={route.id} id={route.id} />;
    case "profile":
      return <ProfileView key={route.acct} acct={route.acct} />;
    case "status":
      return <StatusView key={route.id} id={route.id} />;
    case "welcome":
    case "sign-in-callback":
      return null;
    case "not-found":
      return (
        <section className="column">
          <h1>Nothing here</h1>
          <p>
            There is no page at <code>{route.path}</code>. <Link to="/">Go home</Link>
          </p>
        </section>
      );
  }
}

function isCurrent(item: NavItem, route: Route): boolean {
  return item.route.name === route.name || (item.route.name === "lists" && route.name === "list");
}

export function Shell() {
  const { me, openCompose, onStreamEvent, signOut } = useApp();
  const route = useRoute();
  const [hasUnseenNotifications, setUnseenNotifications] = useState(false);
  const isOnNotifications = useRef(false);
  isOnNotifications.current = route.name === "notifications";

  useEffect(
    () =>
      onStreamEvent((event) => {
        if (event.event === "notification" && !isOnNotifications.current) setUnseenNotifications(true);
      }),
    [onStreamEvent],
  );
  useEffect(() => {
    if (route.name !== "notifications") return;
    setUnseenNotifications(false);
    desktopBridge()?.notificationsSeen();
  }, [route.name]);

  // In the desktop app, a clicked notification opens its page here rather than reloading the window.
  useEffect(() => desktopBridge()?.onNavigate((path) => navigate(path)), []);

  // "n" writes a new post from anywhere, as in Mastodon's web UI; typing in a field is left alone.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.metaKey || event.ctrlKey || event.altKey || target?.closest("input, textarea, select, [contenteditable], dialog")) return;
      if (event.key === "n") {
        event.preventDefault();
        openCompose();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [openCompose]);

  const nav = isStaff(me.role) ? [...NAV, ADMIN_ITEM] : NAV;

  const navLink = (item: NavItem, compact: boolean) => (
    <Link
      key={item.label}
      to={item.route}
      className="nav-link"
      aria-current={isCurrent(item, route) ? "page" : undefined}
      aria-label={compact ? item.label : undefined}
    >
      <Icon name={item.icon} />
      {!compact && <span>{item.label}</span>}
      {item.route.name === "notifications" && hasUnseenNotifications && <span className="dot" aria-label="new" />}
    </Link>
  );

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <Link to="/" className="brand">
          Hearth
        </Link>
        <div className="nav-links">{nav.map((item) => navLink(item, false))}</div>
        <button type="button" className="primary wide" onClick={() => openCompose()}>
          <Icon name="edit" /> New post
        </button>
        <div className="me">
          <Link to={{ name: "profile", acct: me.acct }} className="me-link">
            <Avatar account={me} size={36} />
            <span className="me-names">
              <strong>{me.display_name || me.username}</strong>
              <span className="muted">@{me.acct}</span>
            </span>
          </Link>
          <button type="button" className="quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        <OfflineBanner />
        <MovedBanner />
        <RouteView route={route} />
      </main>
      <nav className="tabbar" aria-label="Main">
        {NAV.filter((item) => item.isPrimary).map((item) => navLink(item, true))}
      </nav>
      <button type="button" className="fab primary" onClick={() => openCompose()} aria-label="New post">
        <Icon name="edit" size={24} />
      </button>
    </div>
  );
}

