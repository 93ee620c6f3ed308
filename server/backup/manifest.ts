import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";

/** What identifies a backup file as Hearth's, whatever its name. */
export const BACKUP_FORMAT = "hearth-backup";
/** Bumped only when a reader of an older format could not make sense of a newer one. */
export const BACKUP_FORMAT_VERSION = 1;
/** How `hearth backup` names its files, and how the backups folder is read back. */
export const BACKUP_FILE_SUFFIX = ".hearth-backup.tar.gz";

export const MANIFEST_ENTRY = "manifest.json";
export const DATABASE_ENTRY = "hearth.db";
export const MEDIA_PREFIX = "media/";

/** A local actor's identity: restoring a backup must bring back the very same keys. */
export interface ActorKeys {
  username: string;
  /** The id peers know the RSA key by (Fedify's first key is #main-key); null before a canonical origin is set. */
  keyId: string | null;
  /** sha256 of the public JWKs: the keys themselves stay inside the database. */
  rsaPublicKeySha256: string;
  ed25519PublicKeySha256: string;
}

/** The database's figures, read from the copy itself, so they describe exactly what the file holds. */
export interface DatabaseFigures {
  /** The schema changes the database has, in order; the last one says which Hearth can open it. */
  migrations: string[];
  domain: string | null;
  counts: { accounts: number; statuses: number; follows: number; media: number };
  actors: ActorKeys[];
}

export interface BackupManifest extends DatabaseFigures {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  hearthVersion: string;
  lastMigration: string | null;
  createdAt: string;
  includesRemoteMedia: boolean;
  database: { bytes: number; sha256: string };
  /** Every media file in the backup, by its path under media/. */
  media: Array<{ path: string; bytes: number; sha256: string }>;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function countOf(db: Kysely<DatabaseSchema>, table: "accounts" | "statuses" | "follows" | "media_attachments"): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function readDatabaseFigures(db: Kysely<DatabaseSchema>): Promise<DatabaseFigures> {
  // kysely_migration is Kysely's own table, outside the schema types.
  const migrations = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  const instance = await db.selectFrom("instance").select("canonical_origin").executeTakeFirst();
  const domain = instance?.canonical_origin ? new URL(instance.canonical_origin).host : null;
  const users = await db
    .selectFrom("local_users")
    .innerJoin("accounts", "accounts.id", "local_users.account_id")
    .select(["accounts.username", "local_users.rsa_public_jwk", "local_users.ed25519_public_jwk"])
    .orderBy("accounts.username")
    .execute();
  return {
    migrations: migrations.rows.map((row) => row.name),
    domain,
    counts: {
      accounts: await countOf(db, "accounts"),
      statuses: await countOf(db, "statuses"),
      follows: await countOf(db, "follows"),
      media: await countOf(db, "media_attachments"),
    },
    actors: users.map((user) => ({
      username: user.username,
      keyId: instance?.canonical_origin ? `${instance.canonical_origin}/users/${user.username}#main-key` : null,
      rsaPublicKeySha256: sha256(user.rsa_public_jwk),
      ed25519PublicKeySha256: sha256(user.ed25519_public_jwk),
    })),
  };
}

/** The differences between what a manifest promises and what a database holds, as sentences; none if they agree. */
export function differencesFrom(manifest: DatabaseFigures, found: DatabaseFigures): string[] {
  const differences: string[] = [];
  for (const key of ["accounts", "statuses", "follows", "media"] as const) {
    if (manifest.counts[key] !== found.counts[key]) differences.push(`${key}: the manifest says ${manifest.counts[key]}, the database holds ${found.counts[key]}`);
  }
  if (manifest.domain !== found.domain) differences.push(`domain: the manifest says ${manifest.domain ?? "none"}, the database says ${found.domain ?? "none"}`);
  if (JSON.stringify(manifest.actors) !== JSON.stringify(found.actors)) differences.push("the local actors' keys differ from the manifest's");
  if (JSON.stringify(manifest.migrations) !== JSON.stringify(found.migrations)) differences.push("the database's schema changes differ from the manifest's");
  return differences;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** The manifest if the text is one of ours; undefined for anything else. */
export function parseManifest(text: string): BackupManifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const manifest = value as Partial<BackupManifest>;
  if (manifest.format !== BACKUP_FORMAT || typeof manifest.formatVersion !== "number") return undefined;
  if (!isStringArray(manifest.migrations) || !Array.isArray(manifest.media) || !Array.isArray(manifest.actors)) return undefined;
  if (typeof manifest.database?.sha256 !== "string" || typeof manifest.counts !== "object") return undefined;
  return manifest as BackupManifest;
}
