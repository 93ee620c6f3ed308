import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateProfile } from "../../server/core/accounts/profile.ts";
import { recordIncomingFollow } from "../../server/core/relationships/follows.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { storePeerAccount } from "../helpers/peer-accounts.ts";
import { waitFor } from "../helpers/wait-for.ts";

/** What a peer's inbox was sent, as JSON. */
interface RecordingPeer {
  server: Server;
  origin: string;
  host: string;
  activities: Array<Record<string, unknown>>;
}

/**
 * A peer that takes every delivery (202) and keeps it, as snac2 would before deciding what to do with it:
 * snac2 takes an Update only when it is public or addressed to it.
 */
async function startRecordingPeer(): Promise<RecordingPeer> {
  const activities: Array<Record<string, unknown>> = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      if (request.method === "POST") activities.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, activities };
}

const PUBLIC = ["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"];
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

describe("a profile change, as peers receive it", () => {
  let group: InstanceGroup | undefined;
  let alice: TestInstance;
  let peer: RecordingPeer;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [alice] = group.instances as [TestInstance];
    peer = await startRecordingPeer();
    const follower = await storePeerAccount(alice.core, peer, "sam");
    await recordIncomingFollow(alice.core, { followerId: follower.id, targetAccountId: alice.owner.id, uri: `${peer.origin}/follows/1` });
  });
  afterAll(async () => {
    peer?.server.close();
    await group?.close();
  });

  it("is an Update(Person) to Public with the followers in cc, as Mastodon addresses it", async () => {
    await updateProfile(alice.core, alice.owner.id, { displayName: "Alice Liddell" }, { origin: alice.url });
    const update = await waitFor(() => peer.activities.find((activity) => activity.type === "Update"), { what: "the Update at the peer" });
    expect(asList(update.to).some((address) => PUBLIC.includes(String(address)))).toBe(true);
    expect(asList(update.cc)).toContain(`${alice.actorUri}/followers`);
    expect((update.object as Record<string, unknown>).name).toBe("Alice Liddell");
  });
});
