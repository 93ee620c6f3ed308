import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

interface SnacLikePeer {
  server: Server;
  host: string;
  /** The `resource` of every WebFinger query it was sent. */
  asked: string[];
}

/**
 * A peer on plain http, as snac2 on a private network: WebFinger answers only resource=acct:user@host (404
 * for anything else, such as the profile URL), and the actor is served at /users/sam.
 */
async function startSnacLikePeer(): Promise<SnacLikePeer> {
  const asked: string[] = [];
  const peer: SnacLikePeer = { server: createServer(), host: "", asked };
  peer.server.on("request", (request, response) => {
    const url = new URL(request.url ?? "/", `http://${peer.host}`);
    const origin = `http://${peer.host}`;
    if (url.pathname === "/.well-known/webfinger") {
      const resource = url.searchParams.get("resource") ?? "";
      asked.push(resource);
      if (resource !== `acct:sam@${peer.host}`) return response.writeHead(404).end();
      response.writeHead(200, { "Content-Type": "application/jrd+json" });
      return response.end(JSON.stringify({ subject: resource, links: [{ rel: "self", type: "application/activity+json", href: `${origin}/users/sam` }] }));
    }
    if (url.pathname === "/users/sam") {
      response.writeHead(200, { "Content-Type": "application/activity+json" });
      return response.end(
        JSON.stringify({
          "@context": "https://www.w3.org/ns/activitystreams",
          id: `${origin}/users/sam`,
          type: "Person",
          preferredUsername: "sam",
          name: "Sam on snac",
          inbox: `${origin}/users/sam/inbox`,
          outbox: `${origin}/users/sam/outbox`,
          followers: `${origin}/users/sam/followers`,
        }),
      );
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => peer.server.listen(0, "127.0.0.1", resolve));
  peer.host = `127.0.0.1:${(peer.server.address() as AddressInfo).port}`;
  return peer;
}

describe("a handle on a plain-http private-network host (--allow-private-network)", () => {
  let group: InstanceGroup;
  let jo: TestInstance;
  let joUser: ApiUser;
  let peer: SnacLikePeer;

  beforeAll(async () => {
    group = await startInstances([{ username: "jo" }]);
    [jo] = group.instances as [TestInstance];
    joUser = await apiUser(jo.core, jo.url, jo.owner);
    peer = await startSnacLikePeer();
  });
  afterAll(async () => {
    peer?.server.close();
    await group?.close();
  });

  /** The accounts /api/v2/search finds, as its JSON gives them. */
  async function search(q: string): Promise<{ accounts: Array<{ acct: string; display_name: string }> }> {
    const response = await joUser.request(`/api/v2/search?${new URLSearchParams({ q, resolve: "true", type: "accounts" })}`);
    expect(response.status).toBe(200);
    return (await response.json()) as { accounts: Array<{ acct: string; display_name: string }> };
  }

  it("resolves through WebFinger for acct:user@host over http, as Mastodon asks", async () => {
    const found = await search(`@sam@${peer.host}`);
    expect(found.accounts.map((account) => ({ acct: account.acct, name: account.display_name }))).toEqual([{ acct: `sam@${peer.host}`, name: "Sam on snac" }]);
    expect(peer.asked).toContain(`acct:sam@${peer.host}`);
  });

  it("finds nobody for a name the peer does not know (its WebFinger answers 404)", async () => {
    expect((await search(`@nobody@${peer.host}`)).accounts).toEqual([]);
    expect(peer.asked).toContain(`acct:nobody@${peer.host}`);
  });
});
