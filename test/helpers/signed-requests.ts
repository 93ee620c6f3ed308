import { importJwk, signRequest } from "@fedify/fedify";
import type { webcrypto } from "node:crypto";
import { getLocalUser } from "../../server/core/accounts/accounts.ts";
import type { TestInstance } from "./instances.ts";

/** Requests signed (draft-cavage) with a test instance owner's real key: hand-written activities, fetches. */
export interface SignedSender {
  post(url: string, body: unknown): Promise<Response>;
  get(url: string): Promise<Response>;
}

export async function signedSender(instance: TestInstance): Promise<SignedSender> {
  const user = await getLocalUser(instance.core, instance.owner.id);
  if (!user) throw new Error(`${instance.handle} has no keys`);
  const keyId = new URL(`${instance.actorUri}#main-key`);
  const privateKey = await importJwk(JSON.parse(user.rsa_private_jwk) as webcrypto.JsonWebKey, "private");
  return {
    async post(url, body) {
      const request = new Request(url, {
        method: "POST",
        headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return fetch(await signRequest(request, privateKey, keyId, { spec: "draft-cavage-http-signatures-12" }));
    },
    async get(url) {
      const request = new Request(url, { headers: { Accept: "application/activity+json" } });
      return fetch(await signRequest(request, privateKey, keyId, { spec: "draft-cavage-http-signatures-12" }));
    },
  };
}
