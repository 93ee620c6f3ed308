import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { INBOX_BODY_LIMIT, inboxBodyLimit, inboxBodyReadOnce } from "../../server/http/inbox-body-limit.ts";
import { inboxJsonShapeLimit } from "../../server/http/inbox-json-shape.ts";
import { inboxKeyOwnership } from "../../server/http/inbox-key-ownership.ts";
import { signedRequestGuard } from "../../server/http/signed-request-guard.ts";

/** The inbox's guards in the order app.ts mounts them, and in place of Fedify a handler that reads the body. */
function inboxApp(seen: { json: unknown[]; bodies: string[] }) {
  const app = new Hono();
  app.post("/inbox", inboxBodyLimit());
  app.post("/inbox", inboxBodyReadOnce());
  app.post("/inbox", inboxJsonShapeLimit());
  app.post("/inbox", signedRequestGuard());
  app.post("/inbox", inboxKeyOwnership(async (json) => (seen.json.push(json), null)));
  app.post("/inbox", async (c) => {
    seen.bodies.push(await c.req.raw.text());
    return c.body(null, 202);
  });
  return app;
}

const activity = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: "https://peer.example/a/1", type: "Create", actor: "https://peer.example/u" });

describe("the inbox's guards", () => {
  afterEach(() => vi.restoreAllMocks());

  it("read the body once and hand Fedify the same bytes, without cloning the request", async () => {
    const clone = vi.spyOn(Request.prototype, "clone");
    const seen = { json: [] as unknown[], bodies: [] as string[] };
    const response = await inboxApp(seen).request("/inbox", { method: "POST", headers: { "Content-Type": "application/activity+json" }, body: activity });
    expect(response.status).toBe(202);
    expect(seen.bodies).toEqual([activity]);
    expect(seen.json).toEqual([JSON.parse(activity)]);
    expect(clone).not.toHaveBeenCalled();
  });

  it("still refuse a streamed body over the limit, and one nested too deeply, before Fedify", async () => {
    const seen = { json: [] as unknown[], bodies: [] as string[] };
    const app = inboxApp(seen);
    const huge = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(INBOX_BODY_LIMIT + 1).fill(0x20));
        controller.close();
      },
    });
    const tooLarge = await app.request("/inbox", { method: "POST", body: huge, duplex: "half" } as RequestInit);
    expect(tooLarge.status).toBe(413);
    const deep = await app.request("/inbox", { method: "POST", body: "[".repeat(100) + "]".repeat(100) });
    expect(deep.status).toBe(400);
    expect(seen.bodies).toEqual([]);
  });
});
