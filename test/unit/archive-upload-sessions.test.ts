import { readdirSync } from "node:fs";
import { ReadableStream } from "node:stream/web";
import { afterEach, describe, expect, it } from "vitest";
import { createUploadSessions, UPLOAD_SESSION_LIFETIME_MS } from "../../server/archive/upload-sessions.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const HOUR = 60 * 60 * 1000;

const bytes = (count: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(count));
      controller.close();
    },
  });

describe("chunked archive uploads: abandoned ones expire, others are kept", () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  const sessionsAt = (offsetMs: { value: number }) => {
    const dir = makeTempDir("upload-sessions");
    dirs.push(dir);
    const sessions = createUploadSessions({ dir: dir.path, maxUploadBytes: 1024, chunkBytes: 64, now: () => new Date(Date.now() + offsetMs.value) });
    return { sessions, files: () => readdirSync(dir.path).sort() };
  };
  const upload = { fileName: "archive.zip", size: 100, mode: "merge", includeDirect: false, force: false } as const;

  it("removes an upload untouched for longer than a day at the sweep, and keeps one touched within it", async () => {
    const clock = { value: 0 };
    const { sessions, files } = sessionsAt(clock);
    const { session } = await sessions.create("1", upload);
    await sessions.append("1", session.id, 0, bytes(64));

    clock.value = UPLOAD_SESSION_LIFETIME_MS - HOUR;
    expect(await sessions.expire()).toBe(0);
    expect(await sessions.get("1", session.id)).toMatchObject({ offset: 64 });

    clock.value = UPLOAD_SESSION_LIFETIME_MS + HOUR;
    expect(await sessions.expire()).toBe(1);
    expect(files()).toEqual([]);
    await expect(sessions.get("1", session.id)).rejects.toThrow("That upload is not here any more");
  });

  it("keeps one unfinished upload per account: a new one replaces the account's last, not another account's", async () => {
    const { sessions } = sessionsAt({ value: 0 });
    const first = await sessions.create("1", upload);
    const others = await sessions.create("2", upload);
    const second = await sessions.create("1", upload);
    await expect(sessions.get("1", first.session.id)).rejects.toThrow("That upload is not here any more");
    expect(await sessions.get("1", second.session.id)).toMatchObject({ offset: 0 });
    expect(await sessions.get("2", others.session.id)).toMatchObject({ offset: 0 });
    await expect(sessions.get("2", second.session.id)).rejects.toThrow("That upload is another account's.");
  });
});
