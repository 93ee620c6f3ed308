import type { Hono } from "hono";
import type { CoreContext } from "../core/context.ts";
import type { SignInLockout } from "../core/auth/sign-in-lockout.ts";
import type { MediaSizeLimits } from "../media/media-types.ts";
import type { MediaStorage } from "../media/storage.ts";
import type { MediaUploads } from "../media/uploads.ts";
import type { TunnelControl } from "../tunnel/status.ts";
import type { BackupService } from "../backup/backup-service.ts";
import { accountPasswordRoutes } from "./hearth/account-password.ts";
import { accountSessionRoutes } from "./hearth/account-sessions.ts";
import { accountTwoFactorRoutes } from "./hearth/account-two-factor.ts";
import type { ArchiveJobs } from "../archive/archive-jobs.ts";
import { archiveRoutes } from "./hearth/archive.ts";
import { adminAccountRoutes, adminAccountV2Routes, WEB_CLIENT_SCOPES } from "./admin/accounts.ts";
import { adminReportRoutes } from "./admin/reports.ts";
import { ownAccountRoutes } from "./hearth/account.ts";
import { adminDomainBlockRoutes } from "./admin/domain-blocks.ts";
import { backupRoutes } from "./hearth/backups.ts";
import { hearthDomainBlockRoutes } from "./hearth/domain-blocks.ts";
import { infoRoutes } from "./hearth/info.ts";
import { inviteRoutes } from "./hearth/invites.ts";
import { memberRoutes } from "./hearth/members.ts";
import { setupRoutes } from "./hearth/setup.ts";
import { signInFailureRoutes } from "./hearth/sign-in-failures.ts";
import { tunnelRoutes } from "./hearth/tunnel.ts";
import type { Permission } from "../core/accounts/roles.ts";
import type { HonoApiEnv } from "./hono-env.ts";
import { guarded } from "./permissions.ts";
import { authorizeRoutes } from "./oauth/authorize.ts";
import { oauthMetadataRoutes } from "./oauth/metadata.ts";
import { tokenRoutes } from "./oauth/token.ts";
import { inviteLinkRoutes } from "./sign-up/invite-link.ts";
import { accountStatusRoutes } from "./v1/account-statuses.ts";
import { accountCollectionRoutes } from "./v1/accounts-collections.ts";
import { accountCredentialRoutes, profileRoutes } from "./v1/accounts-credentials.ts";
import { accountRelationshipRoutes } from "./v1/accounts-relationships.ts";
import { accountRoutes } from "./v1/accounts.ts";
import { accountMigrationRoutes } from "./v1/accounts-migration.ts";
import { signUpRoutes } from "./v1/accounts-sign-up.ts";
import { announcementRoutes } from "./v1/announcements.ts";
import { appRoutes } from "./v1/apps.ts";
import { blockRoutes } from "./v1/blocks.ts";
import { bookmarkRoutes } from "./v1/bookmarks.ts";
import { conversationRoutes } from "./v1/conversations.ts";
import { customEmojiRoutes } from "./v1/custom-emojis.ts";
import { directoryRoutes } from "./v1/directory.ts";
import { domainBlockRoutes } from "./v1/domain-blocks.ts";
import { endorsementRoutes } from "./v1/endorsements.ts";
import { exportRoutes } from "./v1/exports.ts";
import { favouriteRoutes } from "./v1/favourites.ts";
import { featuredTagRoutes } from "./v1/featured-tags.ts";
import { filterV1Routes } from "./v1/filters.ts";
import { followRequestRoutes } from "./v1/follow-requests.ts";
import { followedTagRoutes } from "./v1/followed-tags.ts";
import { importRoutes } from "./v1/import.ts";
import { instanceV1Routes, instanceV2Routes } from "./v1/instance.ts";
import { listRoutes } from "./v1/lists.ts";
import { markerRoutes } from "./v1/markers.ts";
import { mediaV1Routes, mediaV2Routes } from "./v1/media.ts";
import { muteRoutes } from "./v1/mutes.ts";
import { notificationRoutes } from "./v1/notifications.ts";
import { pollRoutes } from "./v1/polls.ts";
import { preferenceRoutes } from "./v1/preferences.ts";
import { pushSubscriptionRoutes } from "./v1/push-subscription.ts";
import { reportRoutes } from "./v1/reports.ts";
import { scheduledStatusRoutes } from "./v1/scheduled-statuses.ts";
import { statusInteractionRoutes } from "./v1/statuses-interactions.ts";
import { statusRoutes } from "./v1/statuses.ts";
import { suggestionV1Routes, suggestionV2Routes } from "./v1/suggestions.ts";
import { tagRoutes } from "./v1/tags.ts";
import { timelineRoutes } from "./v1/timelines.ts";
import { trendRoutes } from "./v1/trends.ts";
import { filterV2Routes } from "./v2/filters.ts";
import { groupedNotificationRoutes } from "./v2/notifications.ts";
import { searchV2Routes } from "./v2/search.ts";

/** What the API's routes are built from; each builder takes the part it needs. */
export interface ApiDependencies {
  core: CoreContext;
  /** The origin entity URLs are built on: the canonical one once the instance is published. */
  origin(): string;
  /** The data directory in use, shown to the owner in settings. */
  dataDir: string;
  /** The files under <dataDir>/media (uploads, avatars, headers), what fills them, and the size limits. */
  media: { storage: MediaStorage; uploads: MediaUploads; limits: MediaSizeLimits };
  /** The tunnel, for /api/hearth/tunnel; absent where no instance runs one (some tests). */
  tunnel?: TunnelControl;
  /** Backups made and tested from the web client, for /api/hearth/backups; absent in some tests. */
  backups?: BackupService;
  /** Imports and exports of each account's own archive from the web client, for /api/hearth/archive; absent in some tests. */
  archives?: ArchiveJobs;
  /** The streaming API's HTTP side (health, server-sent events); its WebSocket is on the server's upgrade. */
  streaming?: Hono<HonoApiEnv>;
  /** Wrong passwords per account, for every check of a password (the instance's rateLimits.signInAccount). */
  signInLockout: SignInLockout;
}

type RoutesBuilder = (deps: ApiDependencies) => Hono<HonoApiEnv> | undefined;

/**
 * Who a line of Hearth's own API is for, beyond the signed-in account its endpoints ask for: "ownAccount" says
 * every account may use it, each on its own data (its endpoints act only on the token's account).
 */
export type RouteAudience = Permission | "ownAccount";

/** One line of the table: a path, what builds its routes and, for the owner's (and moderators') routes, the permission every one of them needs. */
type RouteEntry = readonly [path: string, build: RoutesBuilder, permission?: RouteAudience];

/**
 * Every route of the client API (Mastodon's, and Hearth's own under /api/hearth) and of OAuth, by path, in
 * the order they are mounted: http/app.ts mounts this table after the API's middleware (CORS, token, rate
 * limits, reuse of recent pages). Where two builders share a path, the first is asked first: account statuses
 * come before the accounts routes, and within those the fixed names (lookup, search, relationships, ...)
 * before `:id`.
 *
 * A line with a permission is guarded as a whole (api/permissions.ts): a member's token gets 403 on every
 * method and path under it. Hearth's own paths are the owner's unless the line says otherwise (the setup
 * wizard is before any account; /api/hearth/account is each member's own); test/integration/member-permissions.test.ts holds every line to that.
 */
const API_ROUTES: readonly RouteEntry[] = [
  ["/api/v1/apps", appRoutes],
  ["/api/v1/instance", instanceV1Routes],
  ["/api/v2/instance", instanceV2Routes],

  // Statuses, and what is read from them: timelines, notifications, polls, marks, conversations.
  ["/api/v1/accounts", accountStatusRoutes],
  ["/api/v1/statuses", statusRoutes],
  ["/api/v1/statuses", statusInteractionRoutes],
  ["/api/v1/timelines", timelineRoutes],
  ["/api/v1/notifications", notificationRoutes],
  ["/api/v2/notifications", groupedNotificationRoutes],
  ["/api/v1/polls", pollRoutes],
  ["/api/v1/bookmarks", bookmarkRoutes],
  ["/api/v1/favourites", favouriteRoutes],
  ["/api/v1/conversations", conversationRoutes],
  ["/api/v1/markers", markerRoutes],
  ["/api/v1/scheduled_statuses", scheduledStatusRoutes],

  // Accounts, and what people keep about each other.
  ["/api/v1/accounts", signUpRoutes],
  ["/api/v1/accounts", accountMigrationRoutes],
  ["/api/v1/accounts", accountRoutes],
  ["/api/v1/accounts", accountCredentialRoutes],
  ["/api/v1/accounts", accountCollectionRoutes],
  ["/api/v1/accounts", accountRelationshipRoutes],
  ["/api/v1/profile", profileRoutes],
  ["/api/v1/follow_requests", followRequestRoutes],
  ["/api/v1/blocks", blockRoutes],
  ["/api/v1/mutes", muteRoutes],
  ["/api/v1/domain_blocks", domainBlockRoutes],
  ["/api/v1/lists", listRoutes],
  ["/api/v1/exports", exportRoutes],
  ["/api/v1/import", importRoutes],
  ["/api/v1/filters", filterV1Routes],
  ["/api/v2/filters", filterV2Routes],
  ["/api/v1/preferences", preferenceRoutes],
  ["/api/v1/followed_tags", followedTagRoutes],
  ["/api/v1/tags", tagRoutes],
  ["/api/v1/custom_emojis", customEmojiRoutes],
  ["/api/v1/endorsements", endorsementRoutes],
  ["/api/v1/reports", reportRoutes],
  ["/api/v1/directory", directoryRoutes],
  ["/api/v2/search", searchV2Routes],
  // What a home server does without, answered empty: suggestions, trends, featured tags, announcements.
  ["/api/v1/suggestions", suggestionV1Routes],
  ["/api/v2/suggestions", suggestionV2Routes],
  ["/api/v1/trends", trendRoutes],
  ["/api/v1/featured_tags", featuredTagRoutes],
  ["/api/v1/announcements", announcementRoutes],

  ["/api/v1/media", mediaV1Routes],
  ["/api/v2/media", mediaV2Routes],
  ["/api/v1/push/subscription", pushSubscriptionRoutes],
  ["/api/v1/streaming", (deps) => deps.streaming],

  // Hearth's own: the first-run wizard, settings.
  ["/api/hearth/setup", setupRoutes],
  // Each person's own account (password, sessions, two-factor, deleting it): every role has one, and acts only on its own.
  ["/api/hearth/account", accountPasswordRoutes, "ownAccount"],
  ["/api/hearth/account", accountSessionRoutes, "ownAccount"],
  ["/api/hearth/account", accountTwoFactorRoutes, "ownAccount"],
  ["/api/hearth/account", ownAccountRoutes, "ownAccount"],
  ["/api/hearth/info", infoRoutes, "viewDataDirectory"],
  ["/api/hearth/sign_in_failures", signInFailureRoutes, "viewSignInFailures"],
  ["/api/hearth/members", memberRoutes, "manageRoles"],
  ["/api/hearth/invites", inviteRoutes, "manageInvites"],
  ["/api/hearth/backups", (deps) => deps.backups && backupRoutes({ ...deps, backups: deps.backups }), "manageBackups"],
  ["/api/hearth/archive", (deps) => deps.archives && archiveRoutes({ archives: deps.archives }), "ownAccount"],
  ["/api/hearth/tunnel", (deps) => deps.tunnel && tunnelRoutes({ ...deps, tunnel: deps.tunnel }), "manageTunnel"],
  ["/api/hearth/domain_blocks", hearthDomainBlockRoutes, "manageBlocks"],
  // The web client's Admin: Mastodon's admin routes for accounts and reports under its read and write scopes.
  ["/api/hearth/admin/accounts", (deps) => adminAccountRoutes(deps, WEB_CLIENT_SCOPES), "manageSuspensions"],
  ["/api/hearth/admin/reports", (deps) => adminReportRoutes(deps, WEB_CLIENT_SCOPES), "manageReports"],

  // Mastodon's admin API, for moderation apps (FediBlockHole and the like), under the admin scopes.
  ["/api/v1/admin/domain_blocks", (deps) => adminDomainBlockRoutes(deps), "manageBlocks"],

  // Mastodon's admin API: the owner and moderators (core/accounts/roles.ts).
  ["/api/v1/admin/accounts", adminAccountRoutes, "manageSuspensions"],
  ["/api/v2/admin/accounts", adminAccountV2Routes, "manageSuspensions"],
  ["/api/v1/admin/reports", adminReportRoutes, "manageReports"],

  // OAuth: the consent page, tokens, and the metadata that says where they are.
  ["/oauth/authorize", authorizeRoutes],
  ["/oauth", tokenRoutes],
  ["/.well-known/oauth-authorization-server", oauthMetadataRoutes],

  // Sign-up by invite: the link's page (and its JSON for apps); apps post to /api/v1/accounts above.
  ["/invite", inviteLinkRoutes],
];

/** A line of the table, built: its path, its routes (unguarded) and the permission they need, if any. */
export interface BuiltRoutes {
  path: string;
  routes: Hono<HonoApiEnv>;
  permission: RouteAudience | undefined;
}

/** The table's lines, unbuilt: each path and the permission its routes need, if any. */
export function apiRoutePermissions(): Array<{ path: string; permission: RouteAudience | undefined }> {
  return API_ROUTES.map(([path, , permission]) => ({ path, permission }));
}

/** The table, built in order (only the lines `only` keeps, if given); lines whose dependency is absent are left out. */
export function apiRouteTable(deps: ApiDependencies, only: (path: string, permission: RouteAudience | undefined) => boolean = () => true): BuiltRoutes[] {
  return API_ROUTES.flatMap(([path, build, permission]) => {
    if (!only(path, permission)) return [];
    const routes = build(deps);
    return routes ? [{ path, routes, permission }] : [];
  });
}

/** The table's routes, built: the paths and sub-apps to mount, in order, each behind its permission. */
export function apiRoutes(deps: ApiDependencies): Array<[path: string, routes: Hono<HonoApiEnv>]> {
  return apiRouteTable(deps).map(({ path, routes, permission }) => [path, permission && permission !== "ownAccount" ? guarded(deps.core, permission, routes) : routes]);
}
