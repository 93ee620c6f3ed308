import { createServer, type Server } from "node:http";
import type { webcrypto } from "node:crypto";
import type { AddressInfo } from "node:net";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Multikey, Person } from "@fedify/vocab";

/** A key a fake peer signs with: its id (where the peer serves it) and its private half. */
export interface PeerKey {
  id: URL;
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
}

/** An actor a fake peer serves, with an RSA key in publicKey and an Ed25519 Multikey in assertionMethod. */
export interface PeerActor {
  id: URL;
  rsa: PeerKey;
  ed25519: PeerKey;
}

/**
 * A server on loopback that answers GETs with the ActivityPub documents it was given and takes POSTs with
 * 202: enough to stand for another server whose actors and keys Hearth fetches.
 */
export interface KeyedPeer {
  readonly origin: string;
  readonly host: string;
  /** Serves `document` as application/activity+json at `path`. */
  serve(path: string, document: unknown): void;
  /** An actor at /users/{username} with its own keys, served with both keys listed (and `alsoListed` in assertionMethod). */
  addActor(username: string, alsoListed?: Array<{ key: PeerKey; owner: URL }>): Promise<PeerActor>;
  /** A key served at `path` as a document of its own, claiming `owner` as its owner (controller). */
  addStandaloneKey(path: string, kind: "rsa" | "ed25519", owner: URL): Promise<PeerKey>;
  /** POSTs `body` to `url`, signed (draft-cavage, every header) with `key`, as a peer delivers. */
  deliver(url: string, body: unknown, key: PeerKey): Promise<Response>;
  close(): Promise<void>;
}

async function newKey(id: URL, kind: "rsa" | "ed25519"): Promise<PeerKey> {
  const pair = await generateCryptoKeyPair(kind === "rsa" ? "RSASSA-PKCS1-v1_5" : "Ed25519");
  return { id, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

function keyDocument(key: PeerKey, kind: "rsa" | "ed25519", owner: URL): CryptographicKey | Multikey {
  return kind === "rsa" ? new CryptographicKey({ id: key.id, owner, publicKey: key.publicKey }) : new Multikey({ id: key.id, controller: owner, publicKey: key.publicKey });
}

export async function startKeyedPeer(): Promise<KeyedPeer> {
  const documents = new Map<string, string>();
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.method === "POST") return void response.writeHead(202).end();
      const document = documents.get(new URL(request.url ?? "/", "http://peer").pathname);
      response.writeHead(document ? 200 : 404, { "Content-Type": "application/activity+json" });
      response.end(document ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const serve = (path: string, document: unknown) => void documents.set(path, JSON.stringify(document));
  return {
    origin,
    host: `127.0.0.1:${port}`,
    serve,
    async addActor(username, alsoListed = []) {
      const id = new URL(`/users/${username}`, origin);
      const rsa = await newKey(new URL(`${id.href}#main-key`), "rsa");
      const ed25519 = await newKey(new URL(`${id.href}#ed25519-key`), "ed25519");
      const person = new Person({
        id,
        preferredUsername: username,
        inbox: new URL(`${id.href}/inbox`),
        publicKey: keyDocument(rsa, "rsa", id) as CryptographicKey,
        assertionMethods: [ed25519, ...alsoListed].map((listed) => ("key" in listed ? keyDocument(listed.key, "ed25519", listed.owner) : keyDocument(listed, "ed25519", id)) as Multikey),
      });
      serve(id.pathname, await person.toJsonLd());
      return { id, rsa, ed25519 };
    },
    async addStandaloneKey(path, kind, owner) {
      const key = await newKey(new URL(path, origin), kind);
      serve(path, await keyDocument(key, kind, owner).toJsonLd());
      return key;
    },
    async deliver(url, body, key) {
      const request = new Request(url, {
        method: "POST",
        headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return fetch(await signRequest(request, key.privateKey, key.id, { spec: "draft-cavage-http-signatures-12" }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
