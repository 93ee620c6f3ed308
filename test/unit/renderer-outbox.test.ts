import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../renderer/src/api/http.ts";
import { memoryStore } from "../../renderer/src/state/key-value-store.ts";
import { Outbox, type QueuedPost } from "../../renderer/src/state/outbox.ts";

const post = (text: string) => ({ status: text, visibility: "public" as const });

describe("the outbox: posts written offline, sent when the server is back", () => {
  it("keeps posts across a reload (a new Outbox on the same store) and per account", () => {
    const store = memoryStore();
    new Outbox(store, "1").add(post("first"), "key-1");
    expect(new Outbox(store, "1").list().map((item) => item.status.status)).toEqual(["first"]);
    expect(new Outbox(store, "2").list()).toEqual([]);
  });

  it("sends oldest first with each post's own idempotency key, and empties itself", async () => {
    const outbox = new Outbox(memoryStore(), "1");
    outbox.add(post("a question"), "key-a");
    outbox.add(post("a reply to it"), "key-b");
    const sent: string[] = [];
    const result = await outbox.flush(async (queued: QueuedPost) => void sent.push(`${queued.key}:${queued.status.status}`));
    expect(sent).toEqual(["key-a:a question", "key-b:a reply to it"]);
    expect(result).toEqual({ sent: 2, refused: 0, waiting: 0 });
    expect(outbox.list()).toEqual([]);
  });

  it("stops at the first network failure and keeps the rest, in order", async () => {
    const outbox = new Outbox(memoryStore(), "1");
    for (const key of ["k1", "k2", "k3"]) outbox.add(post(key), key);
    let calls = 0;
    const result = await outbox.flush(async (queued) => {
      calls += 1;
      if (queued.key === "k2") throw new NetworkError();
    });
    expect(calls).toBe(2);
    expect(result).toEqual({ sent: 1, refused: 0, waiting: 2 });
    expect(outbox.list().map((item) => item.key)).toEqual(["k2", "k3"]);
  });

  it("keeps a refused post with the server's reason and goes on with the others", async () => {
    const outbox = new Outbox(memoryStore(), "1");
    outbox.add(post("x".repeat(600)), "too-long");
    outbox.add(post("fine"), "fine");
    const result = await outbox.flush(async (queued) => {
      if (queued.key === "too-long") throw new ApiError(422, "Validation failed: Text character limit of 500 exceeded");
    });
    expect(result).toEqual({ sent: 1, refused: 1, waiting: 0 });
    expect(outbox.list()).toMatchObject([{ key: "too-long", refusal: "Validation failed: Text character limit of 500 exceeded" }]);
    // A refused post is not sent again on its own.
    let sentAgain = false;
    await outbox.flush(async () => void (sentAgain = true));
    expect(sentAgain).toBe(false);
  });

  it("sends each post once when flushes overlap (coming back online fires more than one trigger)", async () => {
    const outbox = new Outbox(memoryStore(), "1");
    outbox.add(post("once"), "once");
    let sends = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const send = async () => {
      sends += 1;
      await gate;
    };
    const first = outbox.flush(send);
    const second = outbox.flush(send);
    release();
    await Promise.all([first, second]);
    expect(sends).toBe(1);
  });

  it("tells subscribers when the queue changes", () => {
    const outbox = new Outbox(memoryStore(), "1");
    let changes = 0;
    const stop = outbox.subscribe(() => (changes += 1));
    outbox.add(post("a"), "a");
    outbox.remove("a");
    stop();
    outbox.add(post("b"), "b");
    expect(changes).toBe(2);
  });
});
