import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createFederation, generateCryptoKeyPair, MemoryKvStore, signRequest, verifyRequest } from "@fedify/fedify";
import { CryptographicKey, Person } from "@fedify/vocab";
import { createAdaptorServer, type HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalRequest } from "../../server/http/canonical-url.ts";
import { clientAddress } from "../../server/http/client-address.ts";
import { federationMount } from "../../server/http/federation-mount.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

const STAND_IN = new URL("../fixtures/cloudflared-stand-in.mjs", import.meta.url).pathname;

// Fedify with no fixed origin, as Hearth runs it behind a quick tunnel: every URL it writes comes from the
// request URL, so this shows what the federation mount hands it for a request that came through the tunnel.
describe("requests through the tunnel, as Fedify sees them", () => {
  let dir: { path: string; remove(): void };
  let server: ReturnType<typeof createAdaptorServer>;
  let tunnelServer: ReturnType<typeof createAdaptorServer>;
  let cloudflared: ChildProcess | undefined;
  let localUrl: string;
  let origin = "http://not-yet.invalid";
  const seen: Array<{ url: string; client: string }> = [];
  const verified: Array<{ asArrived: boolean; canonical: boolean }> = [];
  const keyId = new URL("https://peer.example/users/bob#main-key");
  let keyDocument: unknown;

  beforeEach(async () => {
    dir = makeTempDir("tunnel-urls");
    const federation = createFederation<void>({ kv: new MemoryKvStore() });
    federation.setActorDispatcher("/users/{identifier}", (ctx, identifier) =>
      new Person({ id: ctx.getActorUri(identifier), preferredUsername: identifier, url: new URL(`/@${identifier}`, ctx.origin) }),
    );
    const app = new Hono();
    app.use(federationMount(federation, () => undefined, () => origin));
    // Stands where Fedify's inbox verifies signatures: the same check, on the request before and after rewriting.
    app.post("/inbox", async (c) => {
      const documentLoader = async (url: string) => ({ documentUrl: url, contextUrl: null, document: keyDocument });
      const asArrived = (await verifyRequest(c.req.raw.clone(), { documentLoader })) !== null;
      const canonical = (await verifyRequest(canonicalRequest(c.req.raw, origin), { documentLoader })) !== null;
      verified.push({ asArrived, canonical });
      return c.body(null, 202);
    });
    app.get("*", (c) => {
      seen.push({ url: c.req.url, client: clientAddress(c) });
      return c.text("the rest of the app");
    });
    // Two doors into the app, as startInstance opens them: the main one, and the tunnel's, which cloudflared is given.
    server = createAdaptorServer({ fetch: (request, env) => app.fetch(request, { ...(env as HttpBindings), listener: "main" }) });
    tunnelServer = createAdaptorServer({ fetch: (request, env) => app.fetch(request, { ...(env as HttpBindings), listener: "tunnel" }) });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => tunnelServer.listen(0, "127.0.0.1", resolve));
    localUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tunnelServiceUrl = `http://127.0.0.1:${(tunnelServer.address() as AddressInfo).port}`;
    cloudflared = spawn(STAND_IN, ["tunnel", "--config", join(dir.path, "cloudflared.yml"), "--no-autoupdate", "--metrics", "127.0.0.1:0", "--url", tunnelServiceUrl], {
      stdio: "ignore",
    });
  });
  afterEach(async () => {
    cloudflared?.kill("SIGKILL");
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => tunnelServer.close(() => resolve()));
    dir.remove();
  });

  async function tunnel(): Promise<{ publicUrl: string; forwardUrl: string }> {
    const path = join(dir.path, "stand-in.json");
    return waitFor(() => existsSync(path) && (JSON.parse(readFileSync(path, "utf8")) as { publicUrl: string; forwardUrl: string }), {
      what: "the stand-in to open its tunnel",
    });
  }

  it("gives the canonical https URLs for a request that arrived as plain http on loopback", async () => {
    const { publicUrl, forwardUrl } = await tunnel();
    origin = publicUrl;
    const response = await fetch(`${forwardUrl}/users/alice`, { headers: { Accept: "application/activity+json" } });
    expect(response.status).toBe(200);
    const actor = (await response.json()) as { id: string; url: string };
    expect(actor.id).toBe(`${publicUrl}/users/alice`);
    expect(actor.url).toBe(`${publicUrl}/@alice`);
    // Peers fetch actors again and again: Cloudflare's edge may answer them.
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(response.headers.get("vary")).toMatch(/Accept/);

    const signed = await fetch(`${forwardUrl}/users/alice`, { headers: { Accept: "application/activity+json", Signature: 'keyId="x"' } });
    expect(signed.headers.get("cache-control")).toBeNull();
  });

  it("verifies an RFC 9421 signature made for the public URL, which the request as it arrived would fail", async () => {
    const { publicUrl, forwardUrl } = await tunnel();
    origin = publicUrl;
    const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    keyDocument = await new CryptographicKey({ id: keyId, owner: new URL("https://peer.example/users/bob"), publicKey: keys.publicKey }).toJsonLd();
    // The peer signs for the address it knows; the tunnel delivers the request to loopback as plain http.
    const signed = await signRequest(
      new Request(`${publicUrl}/inbox`, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body: '{"type":"Follow"}' }),
      keys.privateKey,
      keyId,
      { spec: "rfc9421" },
    );
    const headers = new Headers(signed.headers);
    const response = await fetch(`${forwardUrl}/inbox`, { method: "POST", headers, body: await signed.text() });
    expect(response.status).toBe(202);
    expect(verified).toEqual([{ asArrived: false, canonical: true }]);
  });

  it("passes what Fedify does not route to the app as it arrived, naming the client by Cf-Connecting-IP", async () => {
    const { publicUrl, forwardUrl } = await tunnel();
    origin = publicUrl;
    const response = await fetch(`${forwardUrl}/@alice`, { headers: { Accept: "text/html", "X-Forwarded-For": "6.6.6.6", "X-Stand-In-Client-Ip": "198.51.100.23" } });
    expect(await response.text()).toBe("the rest of the app");
    expect(seen.at(-1)).toEqual({ url: `http://${new URL(publicUrl).host}/@alice`, client: "198.51.100.23" });

    // Straight to the main port, the client is the peer itself, whatever the request claims.
    await fetch(`${localUrl}/about`, { headers: { "Cf-Connecting-IP": "198.51.100.23", "X-Forwarded-For": "6.6.6.6", Forwarded: "for=6.6.6.6" } });
    expect(seen.at(-1)?.client).toBe("127.0.0.1");
  });
});
