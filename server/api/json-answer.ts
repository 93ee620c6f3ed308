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
  return jsonBytesAnswer(c, encoder.encode(json));
}

/** jsonAnswer for JSON already written as UTF-8 bytes (api/entities/page-json.ts); they are answered and kept as they are. */
export function jsonBytesAnswer(c: Context<HonoApiEnv>, body: Uint8Array<ArrayBuffer>): Response {
  c.set("answerBytes", body);
  return c.body(body, 200, { "Content-Type": "application/json" });
}
