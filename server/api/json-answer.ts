import type { Context } from "hono";
import type { HonoApiEnv } from "./hono-env.ts";

/**
 * A JSON answer as c.json gives it, with its text kept on the request (answerJson) for recent-responses.ts to
 * store: reading the body back out of the Response went through a stream and cost as much as serialising it.
 */
export function jsonAnswer(c: Context<HonoApiEnv>, value: unknown): Response {
  const text = JSON.stringify(value);
  c.set("answerJson", text);
  return c.body(text, 200, { "Content-Type": "application/json" });
}
