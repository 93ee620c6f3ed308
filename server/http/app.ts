import { readFileSync } from "node:fs";
import type { Federation } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { authenticate } from "../api/auth.ts";
import type { ApiEnv } from "../api/env.ts";
import { MISSING_AVATAR_PATH, MISSING_HEADER_PATH } from "../api/entities/account.ts";
import { mastodonError } from "../api/mastodon-error.ts";
import { accountRoutes } from "../api/v1/accounts.ts";
import type { CoreContext } from "../core/context.ts";
import { UserError } from "../user-error.ts";
import { federationMount } from "./federation-mount.ts";
import { rendererRoutes } from "./renderer.ts";

const logger = getLogger(["hearth", "http"]);

export interface AppDependencies<TContextData> {
  core: CoreContext;
  federation: Federation<TContextData>;
  federationContextData: () => TContextData;
  origin(): string;
  rendererDir: string;
  /** Whether an owner exists yet; the first-run wizard is shown until one does. */
  isSetUp(): Promise<boolean>;
}

function pngAsset(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(new URL(`./assets/${name}`, import.meta.url)));
}

export function createApp<TContextData>(deps: AppDependencies<TContextData>): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const missingAvatar = pngAsset("avatar-missing.png");
  const missingHeader = pngAsset("header-missing.png");

  app.onError((error, c) => {
    if (error instanceof HTTPException) return mastodonError(c, error.status, error.message || "Request failed");
    if (error instanceof UserError) return mastodonError(c, 422, error.message);
    logger.error("Unhandled error on {method} {path}: {error}", { method: c.req.method, path: c.req.path, error });
    return mastodonError(c, 500, "Something went wrong on this server; the details are in its log.");
  });

  app.get("/healthz", async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ok", setUp: await deps.isSetUp() });
  });

  app.use(federationMount(deps.federation, deps.federationContextData));

  // Browser clients (Elk, Phanpy) call the API from other origins and page with the Link header.
  app.use(
    "/api/*",
    cors({ origin: "*", exposeHeaders: ["Link", "X-RateLimit-Remaining", "X-RateLimit-Reset"], maxAge: 86400 }),
  );
  app.use("/api/*", authenticate(deps.core));
  app.route("/api/v1/accounts", accountRoutes({ core: deps.core, origin: deps.origin }));
  app.all("/api/*", (c) => mastodonError(c, 404, "Record not found"));

  const png = (body: Uint8Array<ArrayBuffer>) => () =>
    new Response(body, { headers: { "Content-Type": "image/png", "Cache-Control": "public, max-age=86400" } });
  app.get(MISSING_AVATAR_PATH, png(missingAvatar));
  app.get(MISSING_HEADER_PATH, png(missingHeader));

  app.route("/", rendererRoutes(deps.rendererDir));
  return app;
}
