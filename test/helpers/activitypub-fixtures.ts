import { readFileSync } from "node:fs";
import { preloadedContexts, type DocumentLoader } from "@fedify/fedify";

const LITEPUB_CONTEXT = "https://pleroma.example/schemas/litepub-0.1.jsonld";

/** A fixture from test/fixtures/activitypub, parsed. */
export function activityPubFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/activitypub/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

/** Unit tests have no network: Fedify's preloaded contexts, plus Pleroma's litepub context from a fixture. */
export const offlineLoader: DocumentLoader = async (url) => {
  const document = url === LITEPUB_CONTEXT ? activityPubFixture("litepub-0.1.jsonld") : preloadedContexts[url];
  if (document === undefined) throw new Error(`Unit tests do not fetch ${url}.`);
  return { contextUrl: null, documentUrl: url, document };
};
