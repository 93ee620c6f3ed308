import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { corsForAnyOrigin } from "../../server/http/cors.ts";

function app() {
  const hono = new Hono();
  hono.onError((error, c) => c.json({ error: error.message }, error instanceof HTTPException ? error.status : 500));
  hono.use("*", corsForAnyOrigin({ exposeHeaders: ["Link", "X-RateLimit-Limit"], maxAge: 600 }));
  hono.get("/page", (c) => {
    c.header("Link", '<https://example.test/page?max_id=1>; rel="next"');
    return c.json([{ id: "1" }]);
  });
  hono.get("/raw", () => new Response("raw", { headers: { "Content-Type": "text/plain" } }));
  hono.get("/moved", () => Response.redirect("https://example.test/elsewhere", 302));
  hono.get("/fails", () => {
    throw new HTTPException(403, { message: "This action is outside the authorized scopes" });
  });
  return hono;
}

describe("corsForAnyOrigin", () => {
  it("lets any origin read an answer and the headers it names", async () => {
    const answer = await app().request("/page", { headers: { Origin: "https://elk.example" } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual([{ id: "1" }]);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-expose-headers")).toBe("Link,X-RateLimit-Limit");
    expect(answer.headers.get("link")).toContain('rel="next"');
  });

  it("answers a preflight itself, echoing the requested headers", async () => {
    const preflight = await app().request("/page", {
      method: "OPTIONS",
      headers: { Origin: "https://elk.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Authorization, Content-Type ,Idempotency-Key" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")?.split(",")).toEqual(expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE"]));
    expect(preflight.headers.get("access-control-allow-headers")).toBe("Authorization,Content-Type,Idempotency-Key");
    expect(preflight.headers.get("access-control-max-age")).toBe("600");
    expect(preflight.headers.get("vary")).toBe("Access-Control-Request-Headers");
  });

  it("also marks responses made without the context, immutable ones and errors", async () => {
    const raw = await app().request("/raw");
    expect(await raw.text()).toBe("raw");
    expect(raw.headers.get("access-control-allow-origin")).toBe("*");
    const moved = await app().request("/moved");
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe("https://example.test/elsewhere");
    expect(moved.headers.get("access-control-allow-origin")).toBe("*");
    const failed = await app().request("/fails");
    expect(failed.status).toBe(403);
    expect(failed.headers.get("access-control-allow-origin")).toBe("*");
  });
});
