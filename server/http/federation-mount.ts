import type { Federation } from "@fedify/fedify";
import { createMiddleware } from "hono/factory";
import { withFederationCaching } from "./cache-control.ts";
import { canonicalRequest } from "./canonical-url.ts";

const CLIENT_PATHS = /^\/(api|oauth|invite)\//;

/** The client API, OAuth and invite links: paths Fedify never serves. */
export const isClientPath = (path: string): boolean => CLIENT_PATHS.test(path);

/**
 * Hands every request to Fedify first, addressed to the canonical origin (see canonical-url.ts); what Fedify
 * does not route (or cannot answer in the requested format, such as a browser asking for HTML) falls through
 * to the rest of the app with the request as it arrived.
 */
export function federationMount<TContextData>(
  federation: Federation<TContextData>,
  contextData: () => TContextData,
  origin: () => string,
) {
  return createMiddleware(async (c, next) => {
    // The client API and OAuth are never Fedify's: spare their every request a rewritten copy and a routing pass.
    if (isClientPath(c.req.path)) return next();
    let fallThrough = false;
    const passOn = () => {
      fallThrough = true;
      return new Response(null, { status: 404 });
    };
    const request = canonicalRequest(c.req.raw, origin());
    const response = await federation.fetch(request, {
      contextData: contextData(),
      onNotFound: passOn,
      onNotAcceptable: passOn,
    });
    if (fallThrough) return next();
    return withFederationCaching(request, response);
  });
}
