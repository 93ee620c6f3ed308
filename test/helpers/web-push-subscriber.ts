import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * The browser's side of Web Push, written from the RFCs so a test can prove what the server sent: the
 * subscriber's keys, decryption of aes128gcm (RFC 8291 over RFC 8188) and of the older aesgcm draft that
 * Mastodon apps still use (draft-ietf-webpush-encryption-04), and the VAPID signature (RFC 8292).
 */
export interface WebPushSubscriber {
  /** The uncompressed P-256 public key, base64url, as subscription[keys][p256dh]. */
  readonly p256dh: string;
  /** The 16-byte secret, base64url, as subscription[keys][auth]. */
  readonly auth: string;
  /** Decrypts a message whose Content-Encoding is aes128gcm or aesgcm. */
  decrypt(headers: IncomingHttpHeaders, body: Buffer): string;
}

function hkdf(ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync("sha256", ikm, salt, info, length));
}

function aesGcmDecrypt(key: Buffer, nonce: Buffer, record: Buffer): Buffer {
  const decipher = createDecipheriv("aes-128-gcm", key, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  return Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
}

/** RFC 8291 §3.4 and RFC 8188 §2: one record, its plaintext ending in the 0x02 delimiter and zero padding. */
function decryptAes128gcm(ecdh: ECDH, authSecret: Buffer, body: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverPublicKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const sharedSecret = ecdh.computeSecret(serverPublicKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), ecdh.getPublicKey(), serverPublicKey]);
  const ikm = hkdf(sharedSecret, authSecret, keyInfo, 32);
  const key = hkdf(ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12);
  const padded = aesGcmDecrypt(key, nonce, ciphertext);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("The last record does not end with the 0x02 delimiter.");
  return padded.subarray(0, end).toString("utf8");
}

function headerParameter(header: string | string[] | undefined, name: string): Buffer {
  const value = [header ?? []].flat().join(";");
  const match = new RegExp(`(?:^|[;,\\s])${name}=([A-Za-z0-9_-]+)`).exec(value);
  if (!match?.[1]) throw new Error(`No ${name}= in "${value}".`);
  return Buffer.from(match[1], "base64url");
}

function lengthPrefixed(key: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(key.length);
  return Buffer.concat([length, key]);
}

/** draft-ietf-webpush-encryption-04: salt in Encryption, the server's key in Crypto-Key, a 2-byte padding length first. */
function decryptAesgcm(ecdh: ECDH, authSecret: Buffer, headers: IncomingHttpHeaders, body: Buffer): string {
  const salt = headerParameter(headers.encryption, "salt");
  const serverPublicKey = headerParameter(headers["crypto-key"], "dh");
  const sharedSecret = ecdh.computeSecret(serverPublicKey);
  const ikm = hkdf(sharedSecret, authSecret, Buffer.from("Content-Encoding: auth\0"), 32);
  const context = Buffer.concat([Buffer.from("P-256\0"), lengthPrefixed(ecdh.getPublicKey()), lengthPrefixed(serverPublicKey)]);
  const key = hkdf(ikm, salt, Buffer.concat([Buffer.from("Content-Encoding: aesgcm\0"), context]), 16);
  const nonce = hkdf(ikm, salt, Buffer.concat([Buffer.from("Content-Encoding: nonce\0"), context]), 12);
  const padded = aesGcmDecrypt(key, nonce, body);
  return padded.subarray(2 + padded.readUInt16BE(0)).toString("utf8");
}

export function createWebPushSubscriber(): WebPushSubscriber {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    p256dh: ecdh.getPublicKey().toString("base64url"),
    auth: authSecret.toString("base64url"),
    decrypt(headers, body) {
      const encoding = headers["content-encoding"];
      if (encoding === "aes128gcm") return decryptAes128gcm(ecdh, authSecret, body);
      if (encoding === "aesgcm") return decryptAesgcm(ecdh, authSecret, headers, body);
      throw new Error(`Unknown Content-Encoding ${String(encoding)}.`);
    },
  };
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/**
 * Checks the VAPID JWT (ES256) against the server's public key and returns its claims. aes128gcm sends
 * `vapid t=JWT, k=KEY` (RFC 8292); aesgcm sends `WebPush JWT` with the key in Crypto-Key's p256ecdsa.
 */
export function verifyVapid(headers: IncomingHttpHeaders, serverKey: string): VapidClaims {
  const authorization = headers.authorization ?? "";
  const jwt = /^vapid t=([^,\s]+)/.exec(authorization)?.[1] ?? /^WebPush (\S+)/.exec(authorization)?.[1];
  if (!jwt) throw new Error(`No VAPID token in "${authorization}".`);
  const sentKey = /^vapid /.test(authorization) ? /k=([A-Za-z0-9_-]+)/.exec(authorization)?.[1] : headerParameter(headers["crypto-key"], "p256ecdsa").toString("base64url");
  if (sentKey !== serverKey) throw new Error("The VAPID key sent is not the server_key the app was given.");
  const point = Buffer.from(serverKey, "base64url");
  const publicKey = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
  const [header, claims, signature] = jwt.split(".");
  if (!header || !claims || !signature) throw new Error("The VAPID token is not a JWT.");
  const valid = verify("sha256", Buffer.from(`${header}.${claims}`), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  if (!valid) throw new Error("The VAPID signature does not verify.");
  return JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as VapidClaims;
}
