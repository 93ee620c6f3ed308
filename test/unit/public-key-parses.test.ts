import { generateKeyPairSync, webcrypto } from "node:crypto";
import { CryptographicKey } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import { reusePublicKeyParses } from "../../server/federation/inbox/public-key-parses.ts";

const KEY_ID = "https://peer.example/users/pat#main-key";
const ALGORITHM = { name: "RSASSA-PKCS1-v1_5" } as const;

/** A key document as Fedify's key cache stores one (CryptographicKey.toJsonLd), with the private key beside it. */
async function keyDocument() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const imported = await webcrypto.subtle.importKey("spki", publicKey.export({ type: "spki", format: "der" }), { ...ALGORITHM, hash: "SHA-256" }, true, ["verify"]);
  const key = new CryptographicKey({ id: new URL(KEY_ID), owner: new URL("https://peer.example/users/pat"), publicKey: imported });
  return { json: await key.toJsonLd(), privateKey };
}

const data = new TextEncoder().encode("(request-target): post /inbox");

async function verifies(key: CryptographicKey, privateKey: Awaited<ReturnType<typeof keyDocument>>["privateKey"]): Promise<boolean> {
  const signer = await webcrypto.subtle.importKey("pkcs8", privateKey.export({ type: "pkcs8", format: "der" }), { ...ALGORITHM, hash: "SHA-256" }, false, ["sign"]);
  const signature = await webcrypto.subtle.sign(ALGORITHM, signer, data);
  return webcrypto.subtle.verify(ALGORITHM, key.publicKey!, signature, data);
}

describe("public keys parsed once", () => {
  reusePublicKeyParses();

  it("gives back the key parsed before for the same document, and verifies with it", async () => {
    const { json, privateKey } = await keyDocument();
    const first = await CryptographicKey.fromJsonLd(json);
    const again = await CryptographicKey.fromJsonLd(structuredClone(json));
    expect(again).toBe(first);
    expect(await verifies(again, privateKey)).toBe(true);
  });

  it("parses a key rotated under the same id anew: the new key verifies, the old one does not", async () => {
    const before = await keyDocument();
    const rotated = await keyDocument();
    const oldKey = await CryptographicKey.fromJsonLd(before.json);
    const newKey = await CryptographicKey.fromJsonLd(rotated.json);
    expect(newKey).not.toBe(oldKey);
    expect(newKey.id?.href).toBe(KEY_ID);
    expect(await verifies(newKey, rotated.privateKey)).toBe(true);
    expect(await verifies(oldKey, rotated.privateKey)).toBe(false);
  });

  it("keeps refusing what is not a key document", async () => {
    await expect(CryptographicKey.fromJsonLd(null)).rejects.toThrow();
  });
});
