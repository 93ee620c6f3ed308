import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOutgoingFetch, type OutgoingFetch } from "../../server/net/outgoing-fetch.ts";
import { collectAllGarbage } from "../../server/memory/garbage-collection.ts";
import { PublicFetchError, type OutgoingPolicy, type ResolveAll } from "../../server/net/outgoing-policy.ts";
import { waitFor } from "../helpers/wait-for.ts";

const MEGABYTE = 1024 * 1024;
const ACTOR = { "@context": "https://www.w3.org/ns/activitystreams", id: "https://peer.example/users/ann", type: "Person", preferredUsername: "ann" };

/** What a hostile peer saw of one answer: how much it wrote, and whether the reader hung up before the end. */
interface Answer {
  path: string;
  bytesWritten: number;
  closedEarly: boolean;
}

/** Writes `total` bytes in chunks, waiting whenever the socket is full, as long as the reader reads. */
function stream(response: ServerResponse, total: number, answer: Answer): void {
  const chunk = Buffer.alloc(64 * 1024, "a");
  const writeMore = () => {
    while (answer.bytesWritten < total && !response.destroyed) {
      answer.bytesWritten += chunk.byteLength;
      if (!response.write(chunk)) return void response.once("drain", writeMore);
    }
    if (!response.destroyed) response.end();
  };
  writeMore();
}

async function turnsOfTheEventLoop(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe("The guarded fetch: addresses, deadline, size and decompression limits", () => {
  let peer: Server;
  let other: Server;
  let port: number;
  let otherPort: number;
  const answers: Answer[] = [];
  const otherHits: string[] = [];
  const inboxSockets: unknown[] = [];
  const servedOn = new WeakMap<object, number>();
  const drips = new Set<NodeJS.Timeout>();
  const fetchers: OutgoingFetch[] = [];
  let bomb: Buffer;

  function serve(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? "";
    const answer: Answer = { path, bytesWritten: 0, closedEarly: false };
    answers.push(answer);
    response.on("close", () => (answer.closedEarly = !response.writableFinished));
    if (path === "/actor") {
      response.writeHead(200, { "Content-Type": "application/activity+json" });
      response.end(JSON.stringify(ACTOR));
    } else if (path === "/actor.gz") {
      response.writeHead(200, { "Content-Type": "application/activity+json", "Content-Encoding": "gzip" });
      response.end(gzipSync(JSON.stringify(ACTOR)));
    } else if (path === "/drip") {
      // Headers at once, then a byte now and then, for ever: only a deadline on the whole exchange ends it.
      response.writeHead(200, { "Content-Type": "application/activity+json" });
      response.write("{");
      const timer = setInterval(() => response.write(" "), 20);
      drips.add(timer);
      response.on("close", () => clearInterval(timer));
    } else if (path === "/huge") {
      // 5 MB of JSON, chunked: no Content-Length to refuse it by.
      response.writeHead(200, { "Content-Type": "application/activity+json" });
      stream(response, 5 * MEGABYTE, answer);
    } else if (path === "/huge-declared") {
      response.writeHead(200, { "Content-Type": "application/activity+json", "Content-Length": String(5 * MEGABYTE) });
      stream(response, 5 * MEGABYTE, answer);
    } else if (path === "/bomb") {
      // 64 MB of zeros in about 64 KB of gzip.
      response.writeHead(200, { "Content-Type": "application/activity+json", "Content-Encoding": "gzip" });
      response.end(bomb);
    } else if (path === "/inbox" || path === "/inbox-chunked") {
      // As Mastodon answers a delivery: 202, Content-Length 0; or an empty chunked body, as Node's writeHead().end() gives.
      inboxSockets.push(request.socket);
      request.resume();
      request.on("end", () => response.writeHead(202, path === "/inbox" ? { "Content-Length": "0" } : {}).end());
    } else if (path === "/inbox-closing-idle") {
      // A peer whose idle timeout closes a kept-alive connection just as the next request arrives on it.
      const served = (servedOn.get(request.socket) ?? 0) + 1;
      servedOn.set(request.socket, served);
      inboxSockets.push(request.socket);
      if (served > 1) return void request.socket.destroy();
      request.resume();
      request.on("end", () => response.writeHead(202, { "Content-Length": "0" }).end());
    } else if (path === "/inbox-hanging-up") {
      inboxSockets.push(request.socket);
      request.socket.destroy();
    } else if (path === "/to-other") {
      response.writeHead(302, { Location: `http://127.0.0.2:${otherPort}/actor` });
      response.end();
    } else if (path === "/to-here") {
      response.writeHead(302, { Location: `http://127.0.0.1:${port}/actor` });
      response.end();
    } else {
      response.writeHead(404);
      response.end();
    }
  }

  beforeAll(async () => {
    bomb = gzipSync(Buffer.alloc(64 * MEGABYTE));
    peer = createServer(serve);
    await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
    port = (peer.address() as AddressInfo).port;
    // A second server, on another loopback address, stands for "inside the home network" in the redirect test.
    other = createServer((request, response) => {
      otherHits.push(request.url ?? "");
      response.writeHead(200, { "Content-Type": "application/activity+json" });
      response.end(JSON.stringify(ACTOR));
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.2", resolve));
    otherPort = (other.address() as AddressInfo).port;
  });
  afterEach(() => {
    for (const fetcher of fetchers.splice(0)) fetcher.close();
  });
  afterAll(async () => {
    for (const timer of drips) clearInterval(timer);
    for (const server of [peer, other]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  function fetcher(policy: OutgoingPolicy, limits = {}): OutgoingFetch {
    const made = createOutgoingFetch({ policy, limits });
    fetchers.push(made);
    return made;
  }
  // A short deadline where the deadline is what is tested; the published 10 s elsewhere.
  const allowed = (limits = {}) => fetcher({ allowPrivateNetwork: true }, limits);
  const hitsOf = (path: string) => answers.filter((answer) => answer.path === path).length;

  describe("size, time and compression", () => {
    it("reads a normal actor, plain or gzipped (the control for the refusals below)", async () => {
      const fetch = allowed();
      expect(await (await fetch.fetch(`http://127.0.0.1:${port}/actor`)).json()).toEqual(ACTOR);
      const gzipped = await fetch.fetch(`http://127.0.0.1:${port}/actor.gz`);
      expect(await gzipped.json()).toEqual(ACTOR);
      expect(gzipped.url).toBe(`http://127.0.0.1:${port}/actor.gz`);
    });

    it("answers a delivery's empty 202 without a body stream, and sends the next on the same connection", async () => {
      const fetch = allowed().fetch;
      const deliver = () => fetch(`http://127.0.0.1:${port}/inbox`, { method: "POST", body: JSON.stringify({ type: "Create" }) });
      const first = await deliver();
      expect(first.status).toBe(202);
      expect(first.body).toBeNull();
      // Fedify reads nothing of a delivery's success: the connection must come back to the pool all the same,
      // which it does as the answer's end is handled, a few turns of the event loop later.
      await turnsOfTheEventLoop(3);
      const second = await deliver();
      expect(second.status).toBe(202);
      expect(await second.text()).toBe("");
      expect(inboxSockets).toHaveLength(2);
      expect(inboxSockets[1]).toBe(inboxSockets[0]);
      await turnsOfTheEventLoop(3);
      // An empty chunked answer, never read either, frees its connection too.
      const chunked = () => fetch(`http://127.0.0.1:${port}/inbox-chunked`, { method: "POST", body: "{}" });
      expect((await chunked()).status).toBe(202);
      await turnsOfTheEventLoop(3);
      expect((await chunked()).status).toBe(202);
      expect(inboxSockets).toHaveLength(4);
      expect(new Set(inboxSockets).size).toBe(1);
    });

    it("sends a request again on a new connection when the kept-alive one is closed under it, and only then", async () => {
      const fetch = allowed().fetch;
      const deliver = (path: string) => fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body: JSON.stringify({ type: "Create" }) });
      inboxSockets.length = 0;
      expect((await deliver("/inbox-closing-idle")).status).toBe(202);
      await turnsOfTheEventLoop(3);
      // Reaches the kept connection, which the peer closes without answering; then a new one, which answers.
      expect((await deliver("/inbox-closing-idle")).status).toBe(202);
      expect(inboxSockets).toHaveLength(3);
      expect(inboxSockets[1]).toBe(inboxSockets[0]);
      expect(inboxSockets[2]).not.toBe(inboxSockets[0]);
      // The control: a new connection hung up on is a failure at once, not sent twice.
      inboxSockets.length = 0;
      const fresh = allowed().fetch;
      await expect(fresh(`http://127.0.0.1:${port}/inbox-hanging-up`, { method: "POST", body: "{}" })).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(inboxSockets).toHaveLength(1);
    });

    it("ends a peer that drips for ever at the deadline, with a clear failure", async () => {
      const response = await allowed({ timeoutMs: 500 }).fetch(`http://127.0.0.1:${port}/drip`);
      const error = await response.json().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PublicFetchError);
      expect(String(error)).toMatch(/did not answer within 500 ms/);
      const answer = answers.findLast((entry) => entry.path === "/drip");
      await waitFor(() => answer?.closedEarly, { what: "the dripping peer to see the connection closed" });
    });

    it("refuses a 5 MB document while it streams, hanging up before the peer has written it all", async () => {
      const response = await allowed().fetch(`http://127.0.0.1:${port}/huge`);
      const error = await response.json().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PublicFetchError);
      expect(String(error)).toMatch(/more than the 1048576 bytes accepted/);
      const answer = answers.findLast((entry) => entry.path === "/huge");
      await waitFor(() => answer?.closedEarly, { what: "the peer to see the connection closed" });
      expect(answer?.bytesWritten).toBeLessThan(5 * MEGABYTE);
    });

    it("gives back what refused documents had read, without waiting for V8 to need the room", async () => {
      // A Buffer read from a socket is a small object in V8's heap whose bytes are outside it: unless the
      // fetcher asks for a collection, twenty refused megabytes stay resident until the young generation fills.
      const arrayBuffers = () => process.memoryUsage().arrayBuffers;
      // From a clean start: the bomb's 64 MB source (beforeAll) is garbage that any collection would free.
      collectAllGarbage();
      const before = arrayBuffers();
      const fetch = allowed();
      const refusals = 20;
      for (let n = 0; n < refusals; n++) {
        const error = await (await fetch.fetch(`http://127.0.0.1:${port}/huge`)).json().catch((caught: unknown) => caught);
        expect(String(error)).toMatch(/more than the 1048576 bytes accepted/);
      }
      // The control: each refusal did read its megabyte, so there was something to give back.
      const read = answers.filter((answer) => answer.path === "/huge").slice(-refusals);
      expect(read.every((answer) => answer.bytesWritten >= MEGABYTE)).toBe(true);
      // A few turns of the event loop, not a wait: V8 by itself collects them only seconds later (its memory
      // reducer), so a wait would pass without the fetcher's scavenge too.
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(arrayBuffers()).toBeLessThan(before + 4 * MEGABYTE);
    });

    it("refuses a declared 5 MB at once, and does not rely on the declaration either", async () => {
      await expect(allowed().fetch(`http://127.0.0.1:${port}/huge-declared`)).rejects.toThrow(/is 5242880 bytes, more than the 1048576 bytes accepted/);
      // With a limit above the declaration, the stream is still counted (and here, accepted).
      const big = await fetcher({ allowPrivateNetwork: true }, { maxBytes: 6 * MEGABYTE }).fetch(`http://127.0.0.1:${port}/huge-declared`);
      expect((await big.arrayBuffer()).byteLength).toBe(5 * MEGABYTE);
    });

    it("refuses a gzip bomb once it decompresses past the limit", async () => {
      const response = await allowed().fetch(`http://127.0.0.1:${port}/bomb`);
      const error = await response.arrayBuffer().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PublicFetchError);
      expect(String(error)).toMatch(/decompresses to more than the 1048576 bytes accepted/);
    });
  });

  describe("addresses", () => {
    const refused = () => fetcher({ allowPrivateNetwork: false });

    it("reaches nothing on this machine without --allow-private-network: literals, mapped forms and names that resolve here", async () => {
      const before = hitsOf("/actor");
      for (const address of [
        `http://127.0.0.1:${port}/actor`,
        `http://localhost:${port}/actor`,
        `http://[::ffff:127.0.0.1]:${port}/actor`,
        `http://[::1]:${port}/actor`,
        `http://0.0.0.0:${port}/actor`,
        "http://169.254.169.254/latest/meta-data/",
      ]) {
        await expect(refused().fetch(address), address).rejects.toBeInstanceOf(PublicFetchError);
      }
      // A public-looking name whose DNS answer is loopback: refused after resolution, when the socket connects.
      const rebinding: ResolveAll = (_hostname, _options, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]);
      await expect(fetcher({ allowPrivateNetwork: false, resolve: rebinding }).fetch(`http://peer.hostile.net:${port}/actor`)).rejects.toThrow(/resolves to 127\.0\.0\.1, a private address/);
      expect(hitsOf("/actor")).toBe(before);
      // The control: the same addresses are reached when private networks are allowed.
      expect((await fetcher({ allowPrivateNetwork: true, resolve: rebinding }).fetch(`http://peer.hostile.net:${port}/actor`)).status).toBe(200);
      expect(hitsOf("/actor")).toBe(before + 1);
    });

    it("checks every redirect hop again", async () => {
      // Here 127.0.0.1 stands for the internet and 127.0.0.2 for the home network.
      const policy: OutgoingPolicy = { allowPrivateNetwork: false, isPublicAddress: (address) => address === "127.0.0.1" };
      const before = hitsOf("/actor");
      await expect(fetcher(policy).fetch(`http://127.0.0.1:${port}/to-other`)).rejects.toThrow(/127\.0\.0\.2.*private address/);
      expect(hitsOf("/to-other")).toBeGreaterThan(0);
      expect(otherHits).toEqual([]);
      // The control: a redirect that stays "on the internet" is followed.
      const followed = await fetcher(policy).fetch(`http://127.0.0.1:${port}/to-here`);
      expect(await followed.json()).toEqual(ACTOR);
      expect(followed).toMatchObject({ redirected: true, url: `http://127.0.0.1:${port}/actor` });
      expect(hitsOf("/actor")).toBe(before + 1);
    });
  });
});
