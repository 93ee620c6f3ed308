import { webcrypto } from "node:crypto";
import type { Kysely } from "kysely";
import { Invalid } from "../errors.ts";
import type { DatabaseSchema, LocalUserRole } from "../../db/schema.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";
import type { CoreContext } from "../context.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { AccountRow, LocalUserRow } from "../rows.ts";


// Mastodon's rule: letters, digits and underscores, with dots and dashes only inside; 30 at most.
const USERNAME_PATTERN = /^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$/i;
const USERNAME_MAX = 30;
export const PASSWORD_MIN = 8;
const PASSWORD_MAX = 1024;

export function validateUsername(username: string): string {
  if (!USERNAME_PATTERN.test(username) || username.length > USERNAME_MAX) {
    throw new Invalid(
      `"${username}" cannot be a username: use up to ${USERNAME_MAX} letters, digits or underscores (dots and dashes only in the middle).`,
    );
  }
  return username;
}

export function validatePassword(password: string): string {
  if (password.length < PASSWORD_MIN) throw new Invalid(`The password is too short: use at least ${PASSWORD_MIN} characters.`);
  if (password.length > PASSWORD_MAX) throw new Invalid(`The password is too long: use at most ${PASSWORD_MAX} characters.`);
  return password;
}

export interface NewLocalAccount {
  username: string;
  password: string;
  role: LocalUserRole;
  displayName?: string;
}

interface KeyMaterial {
  rsaPublic: string;
  rsaPrivate: string;
  ed25519Public: string;
  ed25519Private: string;
}

async function generateKeyMaterial(): Promise<KeyMaterial> {
  const subtle = webcrypto.subtle;
  const rsa = await subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const ed25519 = (await subtle.generateKey("Ed25519", true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const jwk = async (key: webcrypto.CryptoKey) => JSON.stringify(await subtle.exportKey("jwk", key));
  return {
    rsaPublic: await jwk(rsa.publicKey),
    rsaPrivate: await jwk(rsa.privateKey),
    ed25519Public: await jwk(ed25519.publicKey),
    ed25519Private: await jwk(ed25519.privateKey),
  };
}

/**
 * Everything slow about a new account (the password hash, two key pairs) done before a transaction, so
 * the transaction itself only writes.
 */
export interface PreparedLocalAccount {
  readonly input: NewLocalAccount;
  readonly passwordHash: string;
  readonly keys: KeyMaterial;
}

export async function prepareLocalAccount(input: NewLocalAccount): Promise<PreparedLocalAccount> {
  validateUsername(input.username);
  validatePassword(input.password);
  const [passwordHash, keys] = await Promise.all([hashPassword(input.password), generateKeyMaterial()]);
  return { input, passwordHash, keys };
}

/** Writes a prepared account; call inside the caller's transaction. */
export async function insertLocalAccount(
  ctx: CoreContext,
  trx: Kysely<DatabaseSchema>,
  prepared: PreparedLocalAccount,
): Promise<AccountRow> {
  const { input, passwordHash, keys } = prepared;
  if (await findLocalAccountByUsername({ ...ctx, db: trx }, input.username)) {
    throw new Invalid(`The username ${input.username} is taken on this instance.`);
  }
  const now = ctx.clock.now();
  const createdAt = now.toISOString();
  const account = await trx
    .insertInto("accounts")
    .values({
      id: ctx.ids.next(now),
      username: input.username,
      domain: null,
      display_name: input.displayName ?? "",
      note: "",
      note_source: "",
      is_locked: 0,
      is_bot: 0,
      is_discoverable: 1,
      is_indexable: 0,
      avatar_file: null,
      header_file: null,
      uri: null,
      url: null,
      created_at: createdAt,
      updated_at: createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("local_users")
    .values({
      account_id: account.id,
      password_hash: passwordHash,
      role: input.role,
      rsa_public_jwk: keys.rsaPublic,
      rsa_private_jwk: keys.rsaPrivate,
      ed25519_public_jwk: keys.ed25519Public,
      ed25519_private_jwk: keys.ed25519Private,
      default_sensitive: 0,
      default_language: null,
      created_at: createdAt,
    })
    .execute();
  return account;
}

export async function findLocalAccountByUsername(ctx: CoreContext, username: string): Promise<AccountRow | undefined> {
  return ctx.db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .where("domain", "is", null)
    .executeTakeFirst();
}

export async function findOwnerAccount(ctx: CoreContext): Promise<AccountRow | undefined> {
  return ctx.db
    .selectFrom("accounts")
    .innerJoin("local_users", "local_users.account_id", "accounts.id")
    .selectAll("accounts")
    .where("local_users.role", "=", "owner")
    .executeTakeFirst();
}

// Compiled once: read for every status stored, local or arrived, for its author (issue #19).
const accountById = compiledQuery((db, { id }: { id: string }) => db.selectFrom("accounts").selectAll().where("id", "=", id));

/** An account by id, read through `db`: the database or a write's transaction. */
export async function accountRowById(db: Kysely<DatabaseSchema>, id: string): Promise<AccountRow | undefined> {
  return (await accountById(db, { id }))[0];
}

export async function getAccount(ctx: CoreContext, id: string): Promise<AccountRow | undefined> {
  return accountRowById(ctx.db, id);
}

export async function getLocalUser(ctx: CoreContext, accountId: string): Promise<LocalUserRow | undefined> {
  return ctx.db.selectFrom("local_users").selectAll().where("account_id", "=", accountId).executeTakeFirst();
}
