import type { DocumentLoader } from "@fedify/vocab";

/**
 * Options for reading the parts of an object that travel inside it (tags, attachments, poll options).
 * Nothing is fetched: a part given only by URL is skipped, as Mastodon skips it, so an object cannot make
 * us issue thousands of requests. The parts are trusted whatever host their ids name, because only their
 * plain values are read (a shortcode, an alt text, a count); whatever they refer to is fetched from its
 * own origin later, if at all.
 */
export function embeddedOnly(contextLoader: DocumentLoader | undefined) {
  return {
    documentLoader: refuseFetch,
    contextLoader,
    crossOrigin: "trust" as const,
    suppressError: true,
  };
}

const refuseFetch: DocumentLoader = (url) => Promise.reject(new Error(`${url} is only referenced; embedded parts are not fetched.`));

/** A Temporal.Instant (or anything with epochMilliseconds) as an ISO string with milliseconds. */
export function instantToIso(instant: { epochMilliseconds: number } | null | undefined): string | null {
  if (!instant) return null;
  const date = new Date(instant.epochMilliseconds);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function isHttpUrl(url: URL | null | undefined): url is URL {
  return url instanceof URL && (url.protocol === "https:" || url.protocol === "http:");
}
