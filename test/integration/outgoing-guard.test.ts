import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { drained } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { storePeerAccount } from "../helpers/peer-accounts.ts";
import { waitFor } from "../helpers/wait-for.ts";

const MEGABYTE = 1024 * 1024;

/** What a peer saw of one request, and whether the reader hung up before the answer was all written. */
interface Seen {
  method: string;
  path: string;
  bytesWritten: number;
  closedEarly: boolean;
}

/** A peer on loopback that records every request; hostile answers on some paths. */
async function startPeer(): Promise<{ server: Server; port: number; seen: Seen[]; origin: (host: string) => string }> {
  const seen: Seen[] = [];
  let port = 0;
  const actor = (username: string, host: string) => ({
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
    id: `http://${host}/users/${username}`,
    type: "Person",
    preferredUsername: username,
    inbox: `http://${host}/users/${username}/inbox`,
  });
  // Blanks, which JSON allows before a value, then a valid actor: without limits, these would be found.
  const blanksThenActor = (blanks: number, username: string, host: string) => Buffer.concat([Buffer.alloc(blanks, " "), Buffer.from(JSON.stringify(actor(username, host)))]);
  const bomb = (host: string) => gzipSync(blanksThenActor(64 * MEGABYTE, "bomb", host));
  const stream = (response: ServerResponse, body: Buffer, entry: Seen) => {
    const writeMore = () => {
      while (entry.bytesWritten < body.byteLength && !response.destroyed) {
        const chunk = body.subarray(entry.bytesWritten, entry.bytesWritten + 64 * 1024);
        entry.bytesWritten += chunk.byteLength;
        if (!response.write(chunk)) return void response.once("drain", writeMore);
      }
      if (!response.destroyed) response.end();
    };
    writeMore();
  };
  const server = createServer((request, response) => {
    const path = request.url ?? "";
    const entry: Seen = { method: request.method ?? "", path, bytesWritten: 0, closedEarly: false };
    seen.push(entry);
    response.on("close", () => (entry.closedEarly = !response.writableFinished));
    request.resume();
    const host = request.headers.host ?? `127.0.0.1:${port}`;
    const json = { "Content-Type": "application/activity+json" };
    if (request.method === "POST") {
      response.writeHead(202);
      response.end();
    } else if (path === "/users/normal") {
      response.writeHead(200, json);
      response.end(JSON.stringify(actor("normal", host)));
    } else if (path === "/users/dripper") {
      response.writeHead(200, json);
      response.write("{");
      const timer = setInterval(() => response.write(" "), 20);
      response.on("close", () => clearInterval(timer));
    } else if (path === "/users/huge") {
      // Chunked, so there is no Content-Length to refuse it by: only counting what is read refuses it.
      response.writeHead(200, json);
      stream(response, blanksThenActor(5 * MEGABYTE, "huge", host), entry);
    } else if (path === "/users/bomb") {
      response.writeHead(200, { ...json, "Content-Encoding": "gzip" });
      response.end(bomb(host));
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return { server, port, seen, origin: (host) => `http://${host}:${port}` };
}

async function closePeer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe("Outgoing requests never reach into the home network", () => {
  let group: InstanceGroup;
  let guarded: TestInstance;
  let open: TestInstance;
  let peer: Awaited<ReturnType<typeof startPeer>>;

  beforeAll(async () => {
    peer = await startPeer();
    group = await startInstances([{ username: "grace", allowPrivateNetwork: false }, { username: "hank" }]);
    [guarded, open] = group.instances as [TestInstance, TestInstance];
  });
  afterAll(async () => {
    await group?.close();
    await closePeer(peer?.server);
  });

  const requestsTo = (username: string) => peer.seen.filter((entry) => entry.path.startsWith(`/users/${username}`));

  /** Follows a peer's actor stored at host (its inbox there too), and mentions it by handle if asked. */
  async function followAndMention(instance: TestInstance, host: string, username: string, { mention = true } = {}): Promise<void> {
    const user = await apiUser(instance.core, instance.url, instance.owner);
    const account = await storePeerAccount(instance.core, { origin: `http://${host}`, host }, username);
    const followed = await user.request(`/api/v1/accounts/${account.id}/follow`, { method: "POST" });
    expect(followed.status).toBe(200);
    expect(await followed.json()).toMatchObject({ requested: true });
    if (!mention) return;
    const posted = await user.request("/api/v1/statuses", jsonBody("POST", { status: `hello @${username}@${host}` }));
    expect(posted.status).toBe(200);
    expect(((await posted.json()) as { mentions: Array<{ id: string }> }).mentions.map((entry) => entry.id)).toEqual([account.id]);
  }

  it("a follow and a mention of an actor whose inbox is on loopback succeed here, and nothing is delivered", async () => {
    // By a name that resolves to loopback, and by an IPv4-mapped IPv6 literal of it.
    await followAndMention(guarded, `localhost:${peer.port}`, "named");
    await followAndMention(guarded, `[::ffff:127.0.0.1]:${peer.port}`, "mapped", { mention: false });
    await drained(guarded);
    expect(requestsTo("named")).toEqual([]);
    expect(requestsTo("mapped")).toEqual([]);
  });

  it("the same follow and mention are delivered by an instance allowed private networks (the control)", async () => {
    await followAndMention(open, `localhost:${peer.port}`, "welcome");
    await waitFor(() => requestsTo("welcome").filter((entry) => entry.method === "POST").length >= 2, { what: "the Follow and the Create at the peer" });
  });
});

describe("Remote documents are small and quick, or refused", () => {
  let group: InstanceGroup;
  let ivy: TestInstance;
  let ivyUser: ApiUser;
  let peer: Awaited<ReturnType<typeof startPeer>>;

  beforeAll(async () => {
    peer = await startPeer();
    // A short deadline for documents, so a dripping peer is given up on quickly; the rest as published.
    group = await startInstances([{ username: "ivy", options: { outgoing: { documentLimits: { timeoutMs: 1_000 } } } }]);
    ivy = group.instances[0]!;
    ivyUser = await apiUser(ivy.core, ivy.url, ivy.owner);
  });
  afterAll(async () => {
    await group?.close();
    await closePeer(peer?.server);
  });

  async function searchFor(username: string): Promise<string[]> {
    const url = `${peer.origin("127.0.0.1")}/users/${username}`;
    const response = await ivyUser.request(`/api/v2/search?q=${encodeURIComponent(url)}&resolve=true&type=accounts`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { accounts: Array<{ acct: string }> }).accounts.map((account) => account.acct);
  }

  it("finds a normal actor by its address (the control)", async () => {
    expect(await searchFor("normal")).toEqual([`normal@127.0.0.1:${peer.port}`]);
  });

  it("a peer that drips for ever: the search ends, and finds nothing", async () => {
    expect(await searchFor("dripper")).toEqual([]);
    await waitFor(() => peer.seen.some((entry) => entry.path === "/users/dripper" && entry.closedEarly), { what: "the dripping peer to be hung up on" });
  });

  it("a 5 MB actor is refused while it streams: the peer is hung up on before it has written it all", async () => {
    expect(await searchFor("huge")).toEqual([]);
    const answers = peer.seen.filter((entry) => entry.path === "/users/huge");
    expect(answers.length).toBeGreaterThan(0);
    await waitFor(() => answers.every((entry) => entry.closedEarly), { what: "the peer to be hung up on" });
    for (const entry of answers) expect(entry.bytesWritten).toBeLessThan(5 * MEGABYTE);
  });

  it("a gzip bomb is refused", async () => {
    expect(await searchFor("bomb")).toEqual([]);
    expect(peer.seen.some((entry) => entry.path === "/users/bomb")).toBe(true);
  });
});
