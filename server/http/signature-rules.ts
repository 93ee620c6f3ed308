import { createHash } from "node:crypto";
import { decodeDict, type InnerList, type Item } from "structured-field-values";

type Members = Record<string, Item | InnerList | undefined>;

/** What is wrong with a request's signature headers, as the sender is told: 400 unreadable, 401 too weak. */
export interface SignatureProblem {
  status: 400 | 401;
  message: string;
}

const malformed = (message: string): SignatureProblem => ({ status: 400, message });
const tooWeak = (message: string): SignatureProblem => ({ status: 401, message });

/**
 * Unix times from 1970 to the end of year 9999. Fedify turns `created`/`expires` into a Temporal.Instant,
 * which throws (a 500) on numbers past about ±275,000 years.
 */
const LATEST_TIME = 253_402_300_799;
const isTime = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= LATEST_TIME;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface SignedRequest {
  method: string;
  headers: Headers;
}

/**
 * The signature headers of a request, checked before Fedify reads them: their grammar (Fedify answers 500
 * to a Date or a `created` it cannot turn into a time), what the signature covers, and that the body is the
 * one digested. Mastodon's rules: a draft-cavage signature covers (request-target), host, date and, with a
 * body, digest; an RFC 9421 signature covers @method, @target-uri (or @authority and @path) and, with a
 * body, content-digest. Fedify alone takes a signature that leaves host or the target out, so one could be
 * replayed to another path or server. `body` is null for a request without one (GET, HEAD).
 */
export async function signatureProblem(request: SignedRequest, body: ArrayBuffer | null): Promise<SignatureProblem | null> {
  const signatureInput = request.headers.get("Signature-Input");
  // As Fedify chooses: a Signature-Input header makes it an RFC 9421 signature.
  if (signatureInput !== null) return rfc9421Problem(request, signatureInput, body);
  const signature = request.headers.get("Signature");
  if (signature !== null) return draftCavageProblem(request, signature, body);
  return null;
}

async function draftCavageProblem(request: SignedRequest, header: string, body: ArrayBuffer | null): Promise<SignatureProblem | null> {
  const params = new Map<string, string>();
  for (const part of header.split(",")) {
    // The grammar Fedify parses with: name="value" or name=digits, comma-separated.
    const match = /^\s*([A-Za-z]+)=(?:"([^"]*)"|(\d+))\s*$/.exec(part);
    if (!match) return malformed(`The Signature header's parameter ${JSON.stringify(part.trim().slice(0, 80))} is not name="value".`);
    params.set(match[1] ?? "", match[2] ?? match[3] ?? "");
  }
  const keyId = params.get("keyId");
  if (keyId === undefined || !URL.canParse(keyId)) return malformed("The Signature header has no keyId URL.");
  const signature = params.get("signature");
  if (signature === undefined || signature === "" || !BASE64.test(signature)) return malformed("The Signature header's signature is not base64.");
  for (const name of ["created", "expires"]) {
    const value = params.get(name);
    if (value !== undefined && !isTime(Number(value))) return malformed(`The Signature header's ${name} is not a time.`);
  }
  const date = request.headers.get("Date");
  if (date !== null && Number.isNaN(Date.parse(date))) return malformed(`The Date header ${JSON.stringify(date.slice(0, 80))} is not a date.`);

  // Without a headers parameter a draft-cavage signature covers the Date header alone.
  const covered = (params.get("headers") ?? "date").toLowerCase().split(/\s+/);
  const required = ["(request-target)", "host", "date", ...(body === null ? [] : ["digest"])];
  const missing = required.filter((name) => !covered.includes(name));
  if (missing.length > 0) return tooWeak(`The signature must cover ${required.join(", ")}; it leaves out ${missing.join(", ")}.`);
  if (date === null) return tooWeak("The signature covers the Date header, but there is none.");
  if (body !== null) {
    const digest = request.headers.get("Digest");
    if (digest === null) return tooWeak("The signature covers the Digest header, but there is none.");
    const sha256 = digest
      .split(",")
      .map((entry) => entry.trim())
      .find((entry) => entry.toLowerCase().startsWith("sha-256="));
    if (sha256 === undefined) return tooWeak("The Digest header has no SHA-256 digest.");
    if (sha256.slice("sha-256=".length) !== (await base64Digest("SHA-256", body))) return tooWeak("The Digest header does not match the body.");
  }
  return null;
}

async function rfc9421Problem(request: SignedRequest, signatureInput: string, body: ArrayBuffer | null): Promise<SignatureProblem | null> {
  const inputs = structuredDictionary(signatureInput);
  if (inputs === null) return malformed("The Signature-Input header is not a structured dictionary (RFC 8941).");
  const signatureHeader = request.headers.get("Signature");
  const signatures = signatureHeader === null ? null : structuredDictionary(signatureHeader);
  if (signatures === null) return malformed("The Signature header is not a structured dictionary of signatures (RFC 9421).");
  const labels = Object.keys(inputs);
  if (labels.length === 0) return malformed("The Signature-Input header names no signature.");
  for (const label of labels) {
    const input = inputs[label];
    const components = input?.value;
    if (!Array.isArray(components) || !components.every((component) => typeof component.value === "string")) {
      return malformed(`The signature ${label} does not list its components as strings.`);
    }
    const params = (input?.params ?? {}) as Record<string, unknown>;
    if (typeof params.keyid !== "string") return malformed(`The signature ${label} has no keyid.`);
    if (!isTime(params.created)) return malformed(`The signature ${label}'s created is not a time.`);
    if (params.expires !== undefined && !isTime(params.expires)) return malformed(`The signature ${label}'s expires is not a time.`);
    if (!(signatures[label]?.value instanceof Uint8Array)) return malformed(`The Signature header has no signature ${label}.`);
    // Fedify takes the first label that verifies, so every label must be strong enough.
    const names = new Set(components.map((component) => String(component.value)));
    const missing = ["@method", ...(names.has("@target-uri") || (names.has("@authority") && names.has("@path")) ? [] : ["@target-uri"]), ...(body === null ? [] : ["content-digest"])].filter(
      (name) => !names.has(name),
    );
    if (missing.length > 0) {
      const required = `@method, @target-uri (or @authority and @path)${body === null ? "" : " and content-digest"}`;
      return tooWeak(`The signature ${label} must cover ${required}; it leaves out ${missing.join(", ")}.`);
    }
  }
  return body === null ? null : contentDigestProblem(request, body);
}

async function contentDigestProblem(request: SignedRequest, body: ArrayBuffer): Promise<SignatureProblem | null> {
  const header = request.headers.get("Content-Digest");
  if (header === null) return tooWeak("The signature covers the Content-Digest header, but there is none.");
  const digests = structuredDictionary(header);
  if (digests === null) return malformed("The Content-Digest header is not a structured dictionary (RFC 9530).");
  const known = (["sha-256", "sha-512"] as const).filter((algorithm) => digests[algorithm] !== undefined);
  if (known.length === 0) return tooWeak("The Content-Digest header has no sha-256 or sha-512 digest.");
  for (const algorithm of known) {
    const digest = digests[algorithm]?.value;
    const expected = await base64Digest(algorithm === "sha-256" ? "SHA-256" : "SHA-512", body);
    if (!(digest instanceof Uint8Array) || Buffer.from(digest).toString("base64") !== expected) return tooWeak("The Content-Digest header does not match the body.");
  }
  return null;
}

/** A structured dictionary (RFC 8941) as an object; only its own members are read. */
function structuredDictionary(header: string): Members | null {
  try {
    const members: Members = Object.create(null) as Members;
    for (const [name, member] of Object.entries(decodeDict(header))) members[name] = member as Item | InnerList;
    return members;
  } catch {
    return null;
  }
}

// node:crypto's hash runs in the call: WebCrypto's digest is a thread-pool job whose round trip cost more CPU
// than hashing an activity's few kilobytes.
async function base64Digest(algorithm: "SHA-256" | "SHA-512", body: ArrayBuffer): Promise<string> {
  return createHash(algorithm === "SHA-256" ? "sha256" : "sha512").update(new Uint8Array(body)).digest("base64");
}
