// The peer side of the inbox benchmarks: remote actors served on loopback as a peer serves them, and signed
// Create(Note) activities sent at a fixed concurrency. Everything is signed beforehand (draft-cavage, as
// Fedify's first knock) so the load generator spends its CPU on sending.
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import type { webcrypto } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

export interface Actor {
  uri: string;
  keyId: URL;
  privateKey: webcrypto.CryptoKey;
  publicKeyPem: string;
}

async function pem(publicKey: webcrypto.CryptoKey): Promise<string> {
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", publicKey)).toString("base64");
  return `-----BEGIN PUBLIC KEY-----\n${spki.replace(/.{64}/g, "$&\n")}\n-----END PUBLIC KEY-----\n`;
}

/** The peer: each actor's document with its public key, which Hearth fetches once to verify signatures. */
export async function startActorServer(actorCount: number): Promise<{ origin: string; actors: Actor[]; close(): void }> {
  const documents = new Map<string, string>();
  const server = createServer((request, response) => {
    const body = documents.get(request.url ?? "");
    if (!body) return void response.writeHead(404).end();
    response.writeHead(200, { "Content-Type": "application/activity+json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const actors: Actor[] = [];
  for (let i = 0; i < actorCount; i++) {
    const { privateKey, publicKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const uri = `${origin}/users/a${i}`;
    const actor = { uri, keyId: new URL(`${uri}#main-key`), privateKey, publicKeyPem: await pem(publicKey) };
    actors.push(actor);
    documents.set(
      `/users/a${i}`,
      JSON.stringify({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        id: uri,
        type: "Person",
        preferredUsername: `a${i}`,
        inbox: `${uri}/inbox`,
        outbox: `${uri}/outbox`,
        followers: `${uri}/followers`,
        endpoints: { sharedInbox: `${origin}/inbox` },
        publicKey: { id: actor.keyId.href, owner: uri, publicKeyPem: actor.publicKeyPem },
      }),
    );
  }
  return { origin, actors, close: () => server.close() };
}

export interface SignedPost {
  headers: Record<string, string>;
  body: string;
}

export async function signCreate(inbox: string, actor: Actor, n: number): Promise<SignedPost> {
  const noteId = `${actor.uri}/statuses/${n}`;
  const published = new Date().toISOString();
  const body = JSON.stringify({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${noteId}/activity`,
    type: "Create",
    actor: actor.uri,
    published,
    to: [PUBLIC],
    cc: [`${actor.uri}/followers`],
    object: {
      id: noteId,
      type: "Note",
      attributedTo: actor.uri,
      content: `<p>Bench note number ${n}, a few words long like most posts.</p>`,
      published,
      to: [PUBLIC],
      cc: [`${actor.uri}/followers`],
    },
  });
  const request = new Request(inbox, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body });
  const signed = await signRequest(request, actor.privateKey, actor.keyId);
  const headers = Object.fromEntries([...signed.headers].filter(([name]) => name !== "host"));
  return { headers, body };
}

export async function send(inbox: string, posts: SignedPost[], concurrency: number): Promise<{ latenciesMs: number[]; statuses: Map<number, number> }> {
  const latenciesMs: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < posts.length) {
        const post = posts[next++]!;
        const started = performance.now();
        const response = await fetch(inbox, { method: "POST", headers: post.headers, body: post.body });
        await response.arrayBuffer();
        latenciesMs.push(performance.now() - started);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  return { latenciesMs, statuses };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}
