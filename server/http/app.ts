import { readFileSync } from "node:fs";
import type { Federation } from "@fedify/fedify";
import { Hono } from "hono";
import { authenticate } from "../api/auth.ts";
import { reuseRecentResponses } from "../api/recent-responses.ts";
import type { HonoApiEnv } from "../api/hono-env.ts";
import { apiRoutes } from "../api/routes.ts";
import type { ArchiveJobs } from "../archive/archive-jobs.ts";
import { MISSING_AVATAR_PATH, MISSING_HEADER_PATH } from "../core/media/account-images.ts";
import type { CoreContext } from "../core/context.ts";
import { createSignInLockout } from "../core/auth/sign-in-lockout.ts";
import { NotFound } from "../core/errors.ts";
import { refuseForeignKeys } from "../federation/key-ownership.ts";
import type { WriteGeneration } from "../db/write-generation.ts";
import { readingOnePage } from "../db/data-version.ts";
import type { MediaSizeLimits } from "../media/media-types.ts";
import type { RemoteAccountImageCache } from "../media/remote-account-images.ts";
import type { RemoteMediaCache } from "../media/remote-cache.ts";
import type { MediaStorage } from "../media/storage.ts";
import type { MediaUploads } from "../media/uploads.ts";
import type { TunnelControl } from "../tunnel/status.ts";
import type { BackupService } from "../backup/backup-service.ts";
import { identifyClient, requestLog } from "./client-address.ts";
import { corsForAnyOrigin } from "./cors.ts";
import { answerError } from "./errors.ts";
import { federationMount, isClientPath } from "./federation-mount.ts";
import { federationNotFoundRoutes } from "./federation-not-found.ts";
import { hostMetaRoutes } from "./host-meta.ts";
import { nodeInfoVersionRoutes } from "./nodeinfo-versions.ts";
import { INBOX_PATHS, inboxBodyLimit, inboxBodyReadOnce } from "./inbox-body-limit.ts";
import { inboxJsonShapeLimit } from "./inbox-json-shape.ts";
import { inboxKeyOwnership } from "./inbox-key-ownership.ts";
import { mediaFileRoutes } from "./media-files.ts";
import { mediaProxyRoutes } from "./media-proxy.ts";
import { apiRateLimit, MASTODON_RATE_LIMITS, signInRateLimit, type RateLimits } from "./rate-limit.ts";
import { rendererRoutes } from "./renderer.ts";
import { signedRequestGuard } from "./signed-request-guard.ts";

export interface AppDependencies<TContextData> {
  core: CoreContext;
  /** core's database's write generation: tokens and polled pages are read again once it moves. */
  writeGeneration: WriteGeneration;
  federation: Federation<TContextData>;
  federationContextData: () => TContextData;
  origin(): string;
  rendererDir: string;
  /** The data directory in use, shown to the owner in settings. */
  dataDir: string;
  /** Whether an owner exists yet; the first-run wizard is shown until one does. */
  isSetUp(): Promise<boolean>;
  /** The files under <dataDir>/media (uploads, avatars, headers, cached remote media), what fills it, and the limits. */
  media: {
    storage: MediaStorage;
    uploads: MediaUploads;
    remoteCache: RemoteMediaCache;
    remoteAccountImages: RemoteAccountImageCache;
    limits: MediaSizeLimits;
  };
  /** The tunnel, for /api/hearth/tunnel; absent where no instance runs one (some tests). */
  tunnel?: TunnelControl;
  /** Backups made and tested from the web client (/api/hearth/backups). */
  backups?: BackupService;
  /** Each account's imports and exports from the web client (/api/hearth/archive). */
  archives?: ArchiveJobs;
  /** Overrides of Mastodon's rate limits (tests use small numbers). */
  rateLimits?: Partial<RateLimits>;
  /** The streaming API's HTTP side (health, server-sent events); its WebSocket is on the server's upgrade. */
  streaming?: Hono<HonoApiEnv>;
}

function pngAsset(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(new URL(`./assets/${name}`, import.meta.url)));
}

export function createApp<TContextData>(deps: AppDependencies<TContextData>): Hono<HonoApiEnv> {
  const app = new Hono<HonoApiEnv>();
  const missingAvatar = pngAsset("avatar-missing.png");
  const missingHeader = pngAsset("header-missing.png");

  app.onError(answerError);

  app.use(requestLog());
  app.use(identifyClient());

  app.get("/healthz", async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ok", setUp: await deps.isSetUp() });
  });

  for (const path of INBOX_PATHS) app.post(path, inboxBodyLimit());
  for (const path of INBOX_PATHS) app.post(path, inboxBodyReadOnce());
  for (const path of INBOX_PATHS) app.post(path, inboxJsonShapeLimit());
  const signedRequests = signedRequestGuard();
  for (const path of INBOX_PATHS) app.post(path, signedRequests);
  // Signed fetches (of followers-only statuses, collections) reach Fedify's signature check too.
  app.on(["GET", "HEAD"], "*", (c, next) => (isClientPath(c.req.path) ? next() : signedRequests(c, next)));
  const federationContext = () => deps.federation.createContext(new URL(deps.origin()), deps.federationContextData());
  for (const path of INBOX_PATHS) app.post(path, inboxKeyOwnership((json) => refuseForeignKeys(federationContext, json)));
  // Before the federation mount: a file request never needs Fedify's routing pass.
  // Browser clients read these from their own origins, as Mastodon lets them: the OAuth server's metadata
  // (without it a browser app cannot see that PKCE is offered), WebFinger, host-meta, NodeInfo, and the media
  // proxy's redirects (images loaded with crossorigin="anonymous" fail without it).
  for (const path of ["/.well-known/*", "/nodeinfo/*", "/media_proxy/*"]) app.use(path, corsForAnyOrigin());
  app.route("/media", mediaFileRoutes(deps.media.storage));
  app.route("/media_proxy", mediaProxyRoutes(deps.core, deps.media.remoteCache, deps.media.remoteAccountImages, deps.origin));
  app.route("/", nodeInfoVersionRoutes(deps.core, deps.origin));
  app.use(federationMount(deps.federation, deps.federationContextData, deps.origin));
  app.route("/", hostMetaRoutes(deps.origin));
  app.route("/", federationNotFoundRoutes());

  // Browser clients (Elk, Phanpy) call the API from other origins and page with the Link header.
  app.use("/api/*", corsForAnyOrigin({ exposeHeaders: ["Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"], maxAge: 86400 }));
  // A page read through the API reads data_version once (data-version.ts), for the token's check, the recent
  // answers and every cache loader alike: each read it for itself, three PRAGMA statements a page (issue #19).
  app.on(["GET", "HEAD"], "/api/*", (_c, next) => readingOnePage(next));
  app.use("/api/*", authenticate(deps.core, deps.writeGeneration));
  const rateLimits = { ...MASTODON_RATE_LIMITS, ...deps.rateLimits };
  app.use("/api/*", apiRateLimit(rateLimits, deps.core.clock));
  // The pages apps poll most; everything in front of this (CORS, token, rate limit) still runs each time.
  const recentPages = reuseRecentResponses(deps.core, deps.writeGeneration, deps.origin);
  for (const path of ["/api/v1/timelines/*", "/api/v1/notifications", "/api/v2/notifications"]) app.use(path, recentPages);
  // OAuth: token and revoke are called from browser apps too, so they answer CORS; the consent page not.
  app.use("/oauth/token", corsForAnyOrigin());
  app.use("/oauth/revoke", corsForAnyOrigin());
  app.use("/oauth/authorize", signInRateLimit(rateLimits, deps.core.clock));
  // Signing up is paced like signing in (Mastodon throttles both per address): a POST of the invite page's
  // form or of an app's sign-up hashes a password and makes two key pairs.
  app.use("/invite/*", signInRateLimit(rateLimits, deps.core.clock, "sign-ups"));
  app.on("POST", "/api/v1/accounts", signInRateLimit(rateLimits, deps.core.clock, "sign-ups"));
  // Every route of the API and of OAuth, from the one table.
  const signInLockout = createSignInLockout(rateLimits.signInAccount, deps.core.clock);
  for (const [path, routes] of apiRoutes({ ...deps, signInLockout })) app.route(path, routes);
  app.all("/api/*", (c) => {
    throw new NotFound(`There is no API endpoint ${c.req.method} ${c.req.path}.`);
  });

  const png = (body: Uint8Array<ArrayBuffer>) => () =>
    new Response(body, { headers: { "Content-Type": "image/png", "Cache-Control": "public, max-age=86400" } });
  app.get(MISSING_AVATAR_PATH, png(missingAvatar));
  app.get(MISSING_HEADER_PATH, png(missingHeader));

  app.route("/", rendererRoutes(deps.rendererDir));
  return app;
}
