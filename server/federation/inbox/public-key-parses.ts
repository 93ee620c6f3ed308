import { CryptographicKey } from "@fedify/vocab";

/**
 * Fedify keeps a remote actor's public key in its key-value store as JSON-LD and, for every signed request,
 * reads it back with CryptographicKey.fromJsonLd: a JSON-LD expansion and a PEM import each time (2.4 % of
 * the server's time under the inbox load, bench/inbox-against-floor.ts). Fedify 2.3.6 builds that cache itself
 * (KvKeyCache in handleInbox) and takes no key cache of its own, so the parse is kept here, in process.
 *
 * The cache is keyed by the whole document, never by the key id alone: a key rotated under the same id is a
 * different document, parsed anew, and Fedify's own refetch after a failed verification stores it. What is
 * kept can only be what parsing the same text would give again (vocabulary objects cannot be changed); it is
 * bounded, and an entry is parsed again after an hour.
 */

type FromJsonLd = typeof CryptographicKey.fromJsonLd;

const MAX_KEYS = 1_024;
const FRESH_MS = 3_600_000;
const ORIGINAL = Symbol.for("hearth.cryptographic-key-from-json-ld-before-reuse");
type ReusingClass = typeof CryptographicKey & { [ORIGINAL]?: FromJsonLd };

interface Parse {
  key: Promise<CryptographicKey>;
  parsedAt: number;
}

const parses = new Map<string, Parse>();

function cacheKeyOf(json: unknown, baseUrl: URL | undefined): string | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  if (typeof (json as { id?: unknown }).id !== "string") return undefined;
  return `${baseUrl?.href ?? ""}\n${JSON.stringify(json)}`;
}

/** Installs the reuse once per process (a second copy of this module, as vitest loads, finds it installed). */
export function reusePublicKeyParses(): void {
  const keyClass = CryptographicKey as ReusingClass;
  if (keyClass[ORIGINAL]) return;
  const original = keyClass.fromJsonLd.bind(keyClass);
  keyClass[ORIGINAL] = keyClass.fromJsonLd;
  keyClass.fromJsonLd = function fromJsonLdOnce(json, options = {}) {
    const cacheKey = cacheKeyOf(json, options.baseUrl);
    if (cacheKey === undefined) return original(json, options);
    const known = parses.get(cacheKey);
    if (known && Date.now() - known.parsedAt < FRESH_MS) {
      // Most recently used last, so the oldest use goes first when the cache is full.
      parses.delete(cacheKey);
      parses.set(cacheKey, known);
      return known.key;
    }
    const key = original(json, options);
    key.catch(() => {
      if (parses.get(cacheKey)?.key === key) parses.delete(cacheKey);
    });
    parses.delete(cacheKey);
    if (parses.size >= MAX_KEYS) parses.delete(parses.keys().next().value!);
    parses.set(cacheKey, { key, parsedAt: Date.now() });
    return key;
  } as FromJsonLd;
}
