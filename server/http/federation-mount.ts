import type { Federation } from "@fedify/fedify";
import { createMiddleware } from "hono/factory";

/**
 * Hands every request to Fedify first; what Fedify does not route (or cannot answer in the requested
 * format, such as a browser asking for HTML) falls through to the rest of the app.
 */
export function federationMount<TContextData>(federation: Federation<TContextData>, contextData: () => TContextData) {
  return createMiddleware(async (c, next) => {
    let fallThrough = false;
    const passOn = () => {
      fallThrough = true;
      return new Response(null, { status: 404 });
    };
    const response = await federation.fetch(c.req.raw, {
      contextData: contextData(),
      onNotFound: passOn,
      onNotAcceptable: passOn,
    });
    if (fallThrough) return next();
    return response;
  });
}
