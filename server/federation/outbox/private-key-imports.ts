import type { webcrypto } from "node:crypto";

/**
 * Fedify carries the sender's private keys in every queued delivery as JWK and imports them again for each
 * one (importJwk in its outbox listener), so a post to 1,000 shared inboxes paid for 1,000 imports of the same
 * key: about 0.1 ms each alone, and importJwk was 1,993 ms of a two-post fan-out's profile (88 ms with this). Fedify takes no key cache of its own
 * and calls the global crypto.subtle, so the one import of each private key is kept there and handed out
 * again: a CryptoKey cannot be changed, and the cache is keyed by the whole private key, algorithm and
 * usages, so no import answers for another. Public keys and every other format pass straight through.
 */

type CryptoKey = webcrypto.CryptoKey;
type ImportKey = webcrypto.SubtleCrypto["importKey"];
type ImportArguments = [format: "jwk", keyData: webcrypto.JsonWebKey, algorithm: unknown, extractable: boolean, keyUsages: readonly webcrypto.KeyUsage[]];

/** A few local accounts with two keys each; more is a sign of something other than Fedify's deliveries. */
const MAX_KEYS = 64;
const ORIGINAL = Symbol.for("hearth.subtle-import-key-before-reuse");
type ReusingSubtle = webcrypto.SubtleCrypto & { [ORIGINAL]?: ImportKey };

const imports = new Map<string, Promise<CryptoKey>>();

function cacheKeyOf(...[, keyData, algorithm, extractable, keyUsages]: ImportArguments): string | undefined {
  if (typeof keyData.d !== "string") return undefined;
  return JSON.stringify([keyData.kty, keyData.alg, keyData.crv, keyData.n, keyData.e, keyData.x, keyData.d, algorithm, extractable, [...keyUsages].sort()]);
}

/** Installs the reuse once per process (a second copy of this module, as vitest loads, finds it installed). */
export function reusePrivateKeyImports(): void {
  const subtle = globalThis.crypto.subtle as unknown as ReusingSubtle;
  if (subtle[ORIGINAL]) return;
  const original = subtle.importKey.bind(subtle) as (...args: unknown[]) => Promise<CryptoKey>;
  subtle[ORIGINAL] = subtle.importKey;
  subtle.importKey = function importKeyOnce(...args: unknown[]): Promise<CryptoKey> {
    const [format, keyData] = args;
    const cacheKey = format === "jwk" && typeof keyData === "object" && keyData !== null ? cacheKeyOf(...(args as ImportArguments)) : undefined;
    if (cacheKey === undefined) return original(...args);
    const known = imports.get(cacheKey);
    if (known) return known;
    const imported = original(...args);
    imported.catch(() => imports.delete(cacheKey));
    if (imports.size >= MAX_KEYS) imports.delete(imports.keys().next().value!);
    imports.set(cacheKey, imported);
    return imported;
  } as ImportKey;
}
