import type { Context } from "hono";
import type { HonoApiEnv } from "./hono-env.ts";

const encoder = new TextEncoder();

/**
 * A JSON answer as c.json gives it, but encoded to bytes here, once: a string body was measured three times
 * more on its way out (its UTF-8 length for Content-Length, again to write it to the socket, and a third time
 * when recent-responses.ts kept a copy). The bytes are kept on the request (answerBytes) for recent-responses.ts
 * to store as they are; reading the body back out of the Response went through a stream.
 */
export function jsonAnswer(c: Context<HonoApiEnv>, value: unknown): Response {
  return jsonTextAnswer(c, JSON.stringify(value));
}

/** jsonAnswer for JSON already written as text (api/entities/page-json.ts). */
export function jsonTextAnswer(c: Context<HonoApiEnv>, json: string): Response {
  const body = encoder.encode(json);
  c.set("answerBytes", body);
  return c.body(body, 200, { "Content-Type": "application/json" });
}
