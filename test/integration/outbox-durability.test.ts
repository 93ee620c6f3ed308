import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { followAccount, getFollow } from "../../server/core/relationships/follows.ts";
import { resolveRemoteAccount } from "../../server/core/accounts/remote-accounts.ts";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

/**
 * A post that Hearth acknowledged (or saved) reaches the followers even when the process dies between the
 * commit and the delivery queue: the activity was recorded in the same transaction as the post, and the next
 * start sends it. Alice runs as a real `hearth serve` child process so that it can be killed with SIGKILL;
 * bob, on another instance, follows her.
 */
describe("the outbox: a kill between the commit and the delivery loses nothing", () => {
  let group: InstanceGroup | undefined;
  let bob: TestInstance;
  const aliceDir = makeTempDir("outbox-alice");
  let alice: ServingHearth | undefined;
  let alicePort: number;
  let token: string;

  const serveAlice = async (port: number) => {
    alice = await serveHearth(["--data-dir", aliceDir.path, "--port", String(port), "--allow-private-network"]);
    return Number(new URL(alice.localUrl).port);
  };

  /** Posts as alice, with an Idempotency-Key as apps send one; the status's id and uri, or the error. */
  async function post(text: string, key: string): Promise<{ id: string; uri: string }> {
    const response = await fetch(`${alice?.localUrl}/api/v1/statuses`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify({ status: text, visibility: "public" }),
    });
    if (response.status !== 200) throw new Error(`POST /api/v1/statuses answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { id: string; uri: string };
  }

  beforeAll(async () => {
    const setup = await runHearth(["setup", "--data-dir", aliceDir.path, "--username", "alice", "--password-stdin"], { stdin: "correct horse battery staple\n" });
    expect(setup.code).toBe(0);
    token = (await runHearth(["token", "--data-dir", aliceDir.path, "--scopes", "read write"])).stdout.trim();
    alicePort = await serveAlice(0);
    group = await startInstances([{ username: "bob" }]);
    [bob] = group.instances as [TestInstance];
    const aliceOnBob = await resolveRemoteAccount(bob.core, `alice@127.0.0.1:${alicePort}`);
    if (!aliceOnBob) throw new Error("bob could not find alice");
    await followAccount(bob.core, bob.owner.id, aliceOnBob.id, { origin: bob.url });
    await waitFor(async () => (await getFollow(bob.core, bob.owner.id, aliceOnBob.id))?.state === "accepted", { what: "alice to accept bob", timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await alice?.stop();
    await group?.close();
    aliceDir.remove();
  });

  it("a post saved while the delivery queue refuses work (a full disk) is delivered after a SIGKILL and a restart", async () => {
    // Fedify's queue lives in hearth.db too: a trigger makes every enqueue fail as a full disk would.
    const database = new Database(join(aliceDir.path, "hearth.db"));
    try {
      database.exec("CREATE TRIGGER refuse_deliveries BEFORE INSERT ON fedify_messages BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
      const status = await post("Held back by a full disk", "full-disk-1");
      // The drain has tried and failed: the activity waits in the outbox, not in the queue.
      await waitFor(() => (database.prepare("SELECT attempts FROM outbox").get() as { attempts: number } | undefined)?.attempts === 1, {
        what: "the drain to fail once",
      });
      expect(await findStatusByUri(bob.core, status.uri)).toBeUndefined();

      await alice?.stop("SIGKILL");
      database.exec("DROP TRIGGER refuse_deliveries");
      await serveAlice(alicePort);
      await waitFor(() => findStatusByUri(bob.core, status.uri), { what: "the post to reach bob after the restart", timeoutMs: 30_000 });
    } finally {
      database.close();
    }
  });

  it("posts in flight at a SIGKILL, retried with their Idempotency-Key after the restart, all reach the follower", async () => {
    const keys = Array.from({ length: 30 }, (_, index) => `in-flight-${index}`);
    const attempts = keys.map((key, index) => post(`In flight ${index}`, key).catch(() => undefined));
    // Killed as soon as the first answer arrives: some posts are saved and answered, some saved and not
    // answered, some never saved.
    await Promise.race(attempts);
    await alice?.stop("SIGKILL");
    await Promise.all(attempts);

    await serveAlice(alicePort);
    // The app retries every post it did not see answered (and those it did, which changes nothing).
    const statuses = [];
    for (const [index, key] of keys.entries()) statuses.push(await post(`In flight ${index}`, key));
    expect(new Set(statuses.map((status) => status.id)).size).toBe(keys.length);
    for (const status of statuses) {
      await waitFor(() => findStatusByUri(bob.core, status.uri), { what: `${status.uri} to reach bob`, timeoutMs: 30_000 });
    }
  });
});
