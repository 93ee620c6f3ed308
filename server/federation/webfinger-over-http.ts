import { getLogger } from "@logtape/logtape";
import { isRecord } from "./convert/raw-json.ts";

const logger = getLogger(["hearth", "federation", "webfinger"]);

/** A WebFinger answer is a few hundred bytes; past this it is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;
const TIMEOUT_MS = 10_000;

export interface WebFingerLink {
  rel: string;
  type?: string;
  href?: string;
}

export interface WebFingerAnswer {
  subject?: string;
  links: WebFingerLink[];
}

function linksOf(value: unknown): WebFingerLink[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((link): WebFingerLink[] => {
    if (!isRecord(link) || typeof link.rel !== "string") return [];
    return [
      {
        rel: link.rel,
        ...(typeof link.type === "string" ? { type: link.type } : {}),
        ...(typeof link.href === "string" ? { href: link.href } : {}),
      },
    ];
  });
}

/** The body as text, or null past MAX_ANSWER_BYTES (read no further than that). */
async function boundedText(response: Response): Promise<string | null> {
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * WebFinger over plain http for an acct: resource, which Fedify's lookup asks only over https. Only for a
 * host on this machine or a private network, and only with --allow-private-network (remote-lookup.ts
 * decides): such a peer (a snac2 or a Hearth beside us) speaks http. Redirects are not followed, so an
 * answer cannot send us anywhere else. Null when there is no usable answer.
 */
export async function webFingerOverHttp(host: string, resource: string): Promise<WebFingerAnswer | null> {
  const url = new URL(`http://${host}/.well-known/webfinger`);
  url.searchParams.set("resource", resource);
  try {
    const response = await fetch(url, {
      headers: { Accept: "application/jrd+json, application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const text = await boundedText(response);
    if (text === null) return null;
    const json: unknown = JSON.parse(text);
    if (!isRecord(json)) return null;
    return { ...(typeof json.subject === "string" ? { subject: json.subject } : {}), links: linksOf(json.links) };
  } catch (error) {
    logger.debug("WebFinger over http for {resource} at {host} failed: {error}", { resource, host, error });
    return null;
  }
}
