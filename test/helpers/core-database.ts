import type { Insertable } from "kysely";
import type { Clock } from "../../server/core/clock.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import type { CoreEvent } from "../../server/core/events.ts";
import { listDueOutbound, removeOutbound } from "../../server/core/peers/outbox.ts";
import type { CorePorts, OutboundActivity } from "../../server/core/ports.ts";
import { openDataDirectoryDatabase, type OpenedDatabase } from "../../server/db/open.ts";
import type { AccountsTable } from "../../server/db/schema.ts";
import { makeTempDir } from "./temp-dir.ts";
import type { AccountRow } from "../../server/core/rows.ts";

/** A clock a test moves by hand. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = new Date("2026-03-01T12:00:00.000Z")): ManualClock {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** Core on a real, migrated SQLite file, with ports that record what would be federated and events that are kept. */
export interface CoreDatabase {
  core: CoreContext;
  clock: ManualClock;
  published: OutboundActivity[];
  events: CoreEvent[];
  close(): Promise<void>;
}

export async function openCoreDatabase(label: string): Promise<CoreDatabase> {
  const dir = makeTempDir(label);
  let database: OpenedDatabase | undefined;
  try {
    database = await openDataDirectoryDatabase(dir.path);
  } catch (error) {
    dir.remove();
    throw error;
  }
  const published: OutboundActivity[] = [];
  // Stands in for the federation's drain: what the writes recorded in the outbox, in order, taken out of it.
  const ports: CorePorts = {
    outbox: {
      deliverPending: async () => {
        for (const row of await listDueOutbound(core, 1000)) {
          published.push(row.activity);
          await removeOutbound(core, row.id);
        }
      },
    },
    remote: { resolveHandle: async () => null, resolveUrl: async () => null, refreshActor: async () => null },
  };
  const clock = manualClock();
  const core = createCoreContext(database.db, clock, ports);
  const events: CoreEvent[] = [];
  core.events.subscribe((event) => events.push(event));
  const opened = database;
  return {
    core,
    clock,
    published,
    events,
    async close() {
      await opened.close();
      dir.remove();
    },
  };
}

let counter = 0;

/**
 * A local account without keys or password (core's rows only), for tests that need many quickly; with a
 * domain, a remote one as if federation had stored it. `columns` overrides any of the row's values.
 */
export async function insertTestAccount(
  core: CoreContext,
  username: string,
  domain: string | null = null,
  columns: Partial<Insertable<AccountsTable>> = {},
): Promise<AccountRow> {
  const now = core.clock.now().toISOString();
  counter += 1;
  const account = await core.db
    .insertInto("accounts")
    .values({
      id: core.ids.next(),
      username,
      domain,
      display_name: "",
      note: "",
      note_source: "",
      is_locked: 0,
      is_bot: 0,
      is_discoverable: 1,
      is_indexable: 0,
      avatar_file: null,
      header_file: null,
      uri: domain ? `https://${domain}/users/${username}` : null,
      url: null,
      inbox_url: domain ? `https://${domain}/users/${username}/inbox` : null,
      created_at: now,
      updated_at: now,
      ...columns,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (domain === null) {
    await core.db
      .insertInto("local_users")
      .values({
        account_id: account.id,
        password_hash: `unused-${counter}`,
        role: "member",
        rsa_public_jwk: "{}",
        rsa_private_jwk: "{}",
        ed25519_public_jwk: "{}",
        ed25519_private_jwk: "{}",
        default_sensitive: 0,
        default_language: null,
        created_at: now,
      })
      .execute();
  }
  return account;
}

/** An accepted follow, written directly. */
export async function insertFollow(core: CoreContext, followerId: string, targetId: string, options: { showReblogs?: boolean; notify?: boolean } = {}): Promise<void> {
  const now = core.clock.now().toISOString();
  const id = core.ids.next();
  await core.db
    .insertInto("follows")
    .values({
      id,
      account_id: followerId,
      target_account_id: targetId,
      state: "accepted",
      uri: `https://test.example/follows/${id}`,
      show_reblogs: options.showReblogs === false ? 0 : 1,
      notify: options.notify ? 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
