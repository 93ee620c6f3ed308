import type { PeerKey } from "./keyed-peer.ts";

/**
 * HTTP signatures made by hand, covering exactly what a test names, as other servers make them (Fedify's
 * signRequest always covers everything, so it cannot leave a component out).
 */

const base64 = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("base64");
const sha256 = async (body: string) => base64(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
const rsaSign = async (key: PeerKey, text: string) => base64(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key.privateKey, new TextEncoder().encode(text)));

export interface DraftSignatureOptions {
  /** The headers parameter, in order: (request-target) and header names. */
  covered: string[];
  /** Headers sent besides Host, Date, Digest and Signature (Content-Type...). */
  headers?: Record<string, string>;
  /** Replaces the Date header sent (and signed). */
  date?: string;
  /** Replaces the Digest header sent (and signed). */
  digest?: string;
  /** Extra Signature parameters, written as given (created=..., algorithm=...). */
  parameters?: string[];
}

/** A draft-cavage signed request, as Mastodon (and snac2, GoToSocial...) send them. */
export async function draftSignedRequest(url: string, method: "GET" | "POST", body: string | null, key: PeerKey, options: DraftSignatureOptions): Promise<Request> {
  const target = new URL(url);
  const headers: Record<string, string> = { Host: target.host, Date: options.date ?? new Date().toUTCString(), ...options.headers };
  if (body !== null) headers.Digest = options.digest ?? `SHA-256=${await sha256(body)}`;
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const signed = options.covered
    .map((name) => `${name}: ${name === "(request-target)" ? `${method.toLowerCase()} ${target.pathname}` : (lower.get(name) ?? "")}`)
    .join("\n");
  const parameters = [`keyId="${key.id.href}"`, 'algorithm="rsa-sha256"', ...(options.parameters ?? []), `headers="${options.covered.join(" ")}"`, `signature="${await rsaSign(key, signed)}"`];
  return new Request(url, { method, headers: { ...headers, Signature: parameters.join(",") }, body });
}

export interface Rfc9421SignatureOptions {
  /** The covered components, in order. */
  components: string[];
  /** Headers sent besides Content-Digest, Signature-Input and Signature. */
  headers?: Record<string, string>;
  /** Replaces the Content-Digest header sent. */
  contentDigest?: string;
  label?: string;
  created?: number;
}

/** An RFC 9421 signed request (rsa-v1_5-sha256) covering the named components. */
export async function rfc9421SignedRequest(url: string, method: "GET" | "POST", body: string | null, key: PeerKey, options: Rfc9421SignatureOptions): Promise<Request> {
  const target = new URL(url);
  const headers: Record<string, string> = { Host: target.host, Date: new Date().toUTCString(), ...options.headers };
  if (body !== null) headers["Content-Digest"] = options.contentDigest ?? `sha-256=:${await sha256(body)}:`;
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const derived: Record<string, string> = { "@method": method, "@target-uri": target.href, "@authority": target.host, "@path": target.pathname };
  const list = `(${options.components.map((name) => `"${name}"`).join(" ")})`;
  const parameters = `${list};alg="rsa-v1_5-sha256";keyid="${key.id.href}";created=${options.created ?? Math.floor(Date.now() / 1000)}`;
  const base = [...options.components.map((name) => `"${name}": ${derived[name] ?? lower.get(name) ?? ""}`), `"@signature-params": ${parameters}`].join("\n");
  const label = options.label ?? "sig1";
  return new Request(url, {
    method,
    headers: { ...headers, "Signature-Input": `${label}=${parameters}`, Signature: `${label}=:${await rsaSign(key, base)}:` },
    body,
  });
}
