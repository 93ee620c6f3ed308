import { createMiddleware } from "hono/factory";
import { signatureProblem } from "./signature-rules.ts";

/**
 * Answers a request whose signature headers are unreadable (400) or too weak (401) with a sentence, before
 * Fedify verifies them (see signature-rules.ts). A request without signature headers passes untouched.
 * For a request with a body, mount it after the body limit and inboxBodyReadOnce: the body is read here to check its digest.
 */
export function signedRequestGuard() {
  return createMiddleware(async (c, next) => {
    const request = c.req.raw;
    if (!request.headers.has("Signature") && !request.headers.has("Signature-Input")) return next();
    // Hono's body cache: an inbox POST's body was read once already (inboxBodyReadOnce), and Fedify reads c.req.raw.
    const body = request.method === "GET" || request.method === "HEAD" ? null : await c.req.arrayBuffer();
    const problem = await signatureProblem(request, body);
    if (problem) return c.text(problem.message, problem.status);
    return next();
  });
}
