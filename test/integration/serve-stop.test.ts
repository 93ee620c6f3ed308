import { existsSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";
import { openRawStream } from "../helpers/stream-reader.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** Generous: the stop must end within 10 s; this only keeps a stop that never ends from hanging the test. */
const HARD_LIMIT_MS = 15_000;

/** Opens a socket to the server and writes `text`, which the test never completes. */
async function halfSent(url: string, text: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  // What the server does to it later (closing it) is expected.
  socket.on("error", () => {});
  socket.write(text);
  return socket;
}

interface PostOutcome {
  status: number | "no answer";
  connection?: string | null;
  id?: string;
}

describe("hearth serve stops within its deadline, whatever clients do", { timeout: 180_000 }, () => {
  let dataDir: { path: string; remove(): void };
  let serving: ServingHearth | undefined;
  const sockets: Socket[] = [];

  beforeEach(() => {
    dataDir = makeTempDir("stop");
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await serving?.stop("SIGKILL");
    serving = undefined;
    dataDir.remove();
  });

  it("on SIGTERM answers new requests 503, cuts a stuck client, says 1001 to a stream, exits 0, and keeps every acknowledged post", async () => {
    const setup = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "alice", "--password-stdin"], { stdin: "correct horse battery staple\n" });
    expect(setup.code).toBe(0);
    const token = (await runHearth(["token", "--data-dir", dataDir.path, "--scopes", "read write"])).stdout.trim();
    serving = await serveHearth(["--data-dir", dataDir.path]);
    const { localUrl } = serving;

    // A streaming client, which should be told the server is going away.
    const stream = await openRawStream(`${localUrl.replace("http", "ws")}/api/v1/streaming?stream=user`, token);
    const streamClosed = stream.closed();
    // A client that sent half its headers and went quiet.
    sockets.push(await halfSent(localUrl, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    // A request under way that never finishes its body: the stop must not wait for it past its deadline.
    sockets.push(
      await halfSent(
        localUrl,
        `POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"status":"never fin`,
      ),
    );

    // A client that keeps posting, before, while and after the signal arrives.
    const outcomes: PostOutcome[] = [];
    let hasExited = false;
    let sent = 0;
    const posting = (async () => {
      while (!hasExited) {
        sent += 1;
        try {
          const response = await fetch(`${localUrl}/api/v1/statuses`, {
            method: "POST",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ status: `Post number ${sent}` }),
          });
          const body = (await response.json()) as { id?: string };
          outcomes.push({ status: response.status, connection: response.headers.get("connection"), id: body.id });
        } catch {
          outcomes.push({ status: "no answer" });
        }
      }
    })();
    await waitFor(() => outcomes.filter((outcome) => outcome.status === 200).length >= 3, { timeoutMs: 60_000, what: "the first posts" });

    const exited = serving.stop("SIGTERM");
    void exited.then(() => (hasExited = true));
    let hardLimit: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<"still running">((resolve) => {
        hardLimit = setTimeout(() => resolve("still running"), HARD_LIMIT_MS);
      }),
    ]);
    clearTimeout(hardLimit);
    hasExited = true;
    await posting;

    expect(code).toBe(0);
    serving = undefined;
    expect(await streamClosed).toBe(1001);

    // Requests that arrived during the stop were told so, and told to close their connection.
    const refused = outcomes.filter((outcome) => outcome.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused) expect(outcome.connection).toBe("close");
    expect(outcomes.every((outcome) => outcome.status === 200 || outcome.status === 503 || outcome.status === "no answer")).toBe(true);

    // Every post that was acknowledged is in the database, and the database was closed (its WAL folded in).
    const acknowledged = outcomes.filter((outcome) => outcome.status === 200).map((outcome) => outcome.id);
    expect(existsSync(join(dataDir.path, "hearth.db-wal"))).toBe(false);
    const sqlite = new Database(join(dataDir.path, "hearth.db"), { readonly: true });
    try {
      const stored = new Set((sqlite.prepare("SELECT id FROM statuses").all() as Array<{ id: string }>).map((row) => String(row.id)));
      for (const id of acknowledged) expect(stored.has(String(id))).toBe(true);
    } finally {
      sqlite.close();
    }
  });
});
