import type { webcrypto } from "node:crypto";
import { importJwk, type Federation } from "@fedify/fedify";
import { Tombstone } from "@fedify/vocab";
import { findLocalAccountByUsername, getLocalUser } from "../core/accounts/accounts.ts";
import { loadAccountEmojis } from "../core/emojis/account-emojis.ts";
import type { CoreContext } from "../core/context.ts";
import { accountRowToPerson } from "./convert/account-row-to-person.ts";
import { isoToInstant } from "./temporal.ts";

/** The path of a local account's profile page, which WebFinger also answers for (as Mastodon's does). */
const PROFILE_PATH = /^\/@([^/@]+)$/;

/**
 * Local accounts as actors: Person at /users/{username}, their keys, and the WebFinger mapping of
 * acct:name@host and of the profile URL to them.
 */
export function registerActors(federation: Federation<CoreContext>): void {
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      const account = await findLocalAccountByUsername(ctx.data, identifier);
      // One id per actor: /users/Alice is not a second name for /users/alice.
      if (!account || account.username !== identifier) return null;
      // A deleted account answers 410 Gone (Fedify's answer to a Tombstone), as Mastodon's does; its keys
      // stay below, so the Delete(Person) still being retried is signed and its key still resolves.
      if (account.deleted_at !== null) {
        return new Tombstone({ id: ctx.getActorUri(identifier), deleted: isoToInstant(account.deleted_at) });
      }
      const [keys, emojis] = await Promise.all([ctx.getActorKeyPairs(identifier), loadAccountEmojis(ctx.data, [account])]);
      return accountRowToPerson(ctx, account, keys, emojis.get(account.id) ?? []);
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      const account = await findLocalAccountByUsername(ctx.data, identifier);
      const user = account ? await getLocalUser(ctx.data, account.id) : undefined;
      if (!user) return [];
      const pair = async (publicJwk: string, privateJwk: string) => ({
        publicKey: await importJwk(JSON.parse(publicJwk) as webcrypto.JsonWebKey, "public"),
        privateKey: await importJwk(JSON.parse(privateJwk) as webcrypto.JsonWebKey, "private"),
      });
      // RSA first: it is the key Fedify signs draft-cavage HTTP signatures with, and the one in publicKey.
      return Promise.all([pair(user.rsa_public_jwk, user.rsa_private_jwk), pair(user.ed25519_public_jwk, user.ed25519_private_jwk)]);
    })
    .mapHandle(async (ctx, username) => (await findLocalAccountByUsername(ctx.data, username))?.username ?? null)
    .mapAlias(async (ctx, resource) => {
      if (resource.origin !== ctx.canonicalOrigin) return null;
      const username = PROFILE_PATH.exec(resource.pathname)?.[1];
      if (!username) return null;
      const account = await findLocalAccountByUsername(ctx.data, decodeURIComponent(username));
      return account ? { identifier: account.username } : null;
    });
}
