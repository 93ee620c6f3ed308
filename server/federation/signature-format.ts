import type { HttpMessageSignaturesSpec, KvKey, KvStore, KvStoreSetOptions } from "@fedify/fedify";

/** Every signed request Hearth sends (deliveries, signed fetches) is first signed this way. */
export const FIRST_SIGNATURE_FORMAT: HttpMessageSignaturesSpec = "draft-cavage-http-signatures-12";

/** Where Fedify keeps the format it remembers for each origin; given to createFederation as its kvPrefixes entry. */
export const SIGNATURE_FORMAT_PREFIX: KvKey = ["_fedify", "httpMessageSignaturesSpec"];

function isUnder(prefix: KvKey, key: KvKey): boolean {
  return key.length > prefix.length && prefix.every((part, index) => key[index] === part);
}

/**
 * The KvStore Fedify is given, without its memory of signature formats: every signed request knocks with
 * draft-cavage first. When a request gets any status of 400 or more, Fedify knocks again with the other format
 * and, unless that answer is 400 or 401, remembers the other format for the origin. snac2 and GoToSocial answer
 * 202 to an RFC 9421 signature they cannot verify and drop the activity, so one 403 (a user who blocked ours)
 * or one 404 turned every later delivery to such a host into a silent loss. The memory only ever hears the
 * format, never the statuses behind it, so no write to it can be told safe; a host that takes only RFC 9421
 * answers 401 to draft-cavage and still gets each delivery on the second knock. Formats remembered by an earlier
 * Hearth are ignored here (and pruned with the other aged caches, db/fedify-cache-pruning.ts).
 */
export function withoutSignatureFormatMemory(kv: KvStore): KvStore {
  return {
    get: async <T = unknown>(key: KvKey): Promise<T | undefined> => (isUnder(SIGNATURE_FORMAT_PREFIX, key) ? undefined : kv.get<T>(key)),
    set: async (key: KvKey, value: unknown, options?: KvStoreSetOptions) => {
      if (!isUnder(SIGNATURE_FORMAT_PREFIX, key)) await kv.set(key, value, options);
    },
    delete: (key) => kv.delete(key),
    ...(kv.cas ? { cas: kv.cas.bind(kv) } : {}),
    list: (prefix) => kv.list(prefix),
  };
}
