import type { DocumentLoader } from "@fedify/vocab";

/**
 * Documents as their servers sent them, kept while they are read. Fedify's objects give back the JSON they
 * were parsed from only when they parsed all of it: a tag whose type the @context leaves undefined (snac2's
 * Hashtag and Emoji) makes toJsonLd() write the object anew, without that tag. So what the converters read
 * from the raw JSON (convert/raw-json.ts) is looked up among the documents the loader fetched.
 */
export interface RawDocuments {
  /** Loads as `loader` does, and keeps each document it loads. */
  loader: DocumentLoader;
  /** The documents loaded so far, newest first. */
  documents(): unknown[];
}

/** Keeps the documents `loader` loads, at most `limit` of them (the newest), so a long read stays bounded. */
export function keepRawDocuments(loader: DocumentLoader, limit = 50): RawDocuments {
  const kept: unknown[] = [];
  return {
    loader: async (url, options) => {
      const remote = await loader(url, options);
      kept.unshift(remote.document);
      if (kept.length > limit) kept.length = limit;
      return remote;
    },
    documents: () => [...kept],
  };
}
