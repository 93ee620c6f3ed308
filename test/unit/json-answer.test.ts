import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { HonoApiEnv } from "../../server/api/hono-env.ts";
import { jsonAnswer } from "../../server/api/json-answer.ts";

describe("jsonAnswer: a JSON answer encoded once", () => {
  it("answers the JSON as c.json would and keeps the very bytes it answered for recent-responses.ts", async () => {
    const value = [{ id: "1", content: "<p>café ☕ \"quoted\"</p>" }];
    let kept: Uint8Array | undefined;
    let answered: Response | undefined;
    const app = new Hono<HonoApiEnv>();
    app.use(async (c, next) => {
      await next();
      kept = c.get("answerBytes");
      answered = c.res;
    });
    app.get("/", (c) => jsonAnswer(c, value));
    const answer = await app.request("http://127.0.0.1/");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    const body = new Uint8Array(await answer.arrayBuffer());
    expect(new TextDecoder().decode(body)).toBe(JSON.stringify(value));
    expect(kept).toBeInstanceOf(Uint8Array);
    expect(kept).toEqual(body);
    expect(answered).toBe(answer);
  });
});
