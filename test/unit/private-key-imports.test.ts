import { exportJwk, generateCryptoKeyPair, importJwk } from "@fedify/fedify";
import { describe, expect, it } from "vitest";
import { reusePrivateKeyImports } from "../../server/federation/outbox/private-key-imports.ts";

const data = new TextEncoder().encode("a delivery's signing string");

describe("reusePrivateKeyImports", () => {
  // Fedify's outbox listener imports the sender's key from the queued JWK with importJwk for every delivery.
  it("answers Fedify's every import of one private key with one CryptoKey, which signs as the key does", async () => {
    reusePrivateKeyImports();
    const { privateKey, publicKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const jwk = await exportJwk(privateKey);
    const first = await importJwk(jwk, "private");
    const second = await importJwk({ ...jwk }, "private");
    expect(second).toBe(first);
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", second, data);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, signature, data)).toBe(true);
  });

  it("never answers for another key, and imports public keys anew", async () => {
    reusePrivateKeyImports();
    const one = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const other = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const oneKey = await importJwk(await exportJwk(one.privateKey), "private");
    const otherKey = await importJwk(await exportJwk(other.privateKey), "private");
    expect(otherKey).not.toBe(oneKey);
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", otherKey, data);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", other.publicKey, signature, data)).toBe(true);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", one.publicKey, signature, data)).toBe(false);
    const publicJwk = await exportJwk(one.publicKey);
    expect(await importJwk(publicJwk, "public")).not.toBe(await importJwk(publicJwk, "public"));
  });

  it("answers Ed25519 private keys once too", async () => {
    reusePrivateKeyImports();
    const { privateKey } = await generateCryptoKeyPair("Ed25519");
    const jwk = await exportJwk(privateKey);
    expect(await importJwk(jwk, "private")).toBe(await importJwk(jwk, "private"));
  });
});
