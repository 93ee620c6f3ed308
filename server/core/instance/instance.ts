import { Conflict, Invalid } from "../errors.ts";
import type { CoreContext } from "../context.ts";
import { insertLocalAccount, prepareLocalAccount } from "../accounts/accounts.ts";
import type { AccountRow, InstanceRow } from "../rows.ts";
import { write } from "../write.ts";


export async function getInstance(ctx: CoreContext): Promise<InstanceRow | undefined> {
  return ctx.db.selectFrom("instance").selectAll().where("id", "=", 1).executeTakeFirst();
}

/** Reduces a public URL to its origin, refusing what cannot be a fediverse address. */
export function normaliseOrigin(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Invalid(`"${input}" is not a URL; give the public address as https://name.example.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Invalid(`"${input}" is not a web address; give the public address as https://name.example.`);
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    throw new Invalid(`The public address must be an origin only (like https://name.example), not "${input}".`);
  }
  return url.origin;
}

export interface InstanceSetup {
  username: string;
  password: string;
  displayName?: string;
  publicOrigin?: string;
  instanceName?: string;
}

export interface SetupResult {
  instance: InstanceRow;
  owner: AccountRow;
}

/** The first run: the instance row and its owner, together or not at all. Refuses a second run. */
export async function setupInstance(ctx: CoreContext, setup: InstanceSetup): Promise<SetupResult> {
  if (await getInstance(ctx)) throw new Conflict("This data directory is already set up; Hearth will not set it up twice.");
  const origin = setup.publicOrigin === undefined ? null : normaliseOrigin(setup.publicOrigin);
  const prepared = await prepareLocalAccount({
    username: setup.username,
    password: setup.password,
    role: "owner",
    displayName: setup.displayName,
  });
  return write(ctx, async (trx) => {
    // Checked again inside the transaction: another process may have set up the directory meanwhile.
    if (await trx.selectFrom("instance").select("id").executeTakeFirst()) {
      throw new Conflict("This data directory is already set up; Hearth will not set it up twice.");
    }
    const instance = await trx
      .insertInto("instance")
      .values({
        id: 1,
        canonical_origin: origin,
        name: setup.instanceName ?? "Hearth",
        description: "",
        created_at: ctx.clock.now().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const owner = await insertLocalAccount(ctx, trx, prepared);
    return { instance, owner };
  });
}

/**
 * Fixes the instance's public origin the first time it is published. Once fixed, the origin is the
 * identity every follower knows, so a different one is refused: moving domains is a migration (Move).
 */
export async function fixCanonicalOrigin(ctx: CoreContext, requestedOrigin: string): Promise<InstanceRow> {
  const origin = normaliseOrigin(requestedOrigin);
  const instance = await getInstance(ctx);
  if (!instance) throw new Invalid("This data directory is not set up yet; run `hearth setup` first.");
  if (instance.canonical_origin === origin) return instance;
  if (instance.canonical_origin !== null) {
    throw new Invalid(
      `This instance's address is ${instance.canonical_origin}; it cannot become ${origin} by a setting, because followers know it by its address. Moving to a new domain is a migration.`,
    );
  }
  return write(ctx, (trx) =>
    trx
      .updateTable("instance")
      .set({ canonical_origin: origin })
      .where("id", "=", 1)
      .where("canonical_origin", "is", null)
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** The other servers this instance knows accounts from (Mastodon's peers and domain_count). */
export async function listKnownDomains(ctx: CoreContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("accounts")
    .select("domain")
    .distinct()
    .where("domain", "is not", null)
    .orderBy("domain")
    .execute();
  return rows.map((row) => row.domain).filter((domain): domain is string => domain !== null);
}
