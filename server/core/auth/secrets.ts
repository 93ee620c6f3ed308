import { createHash, randomBytes } from "node:crypto";

/** Tokens, codes and client secrets are kept as SHA-256: a copied database cannot be used to sign in. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** 256 random bits, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}
