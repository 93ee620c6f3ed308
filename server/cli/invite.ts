import { existsSync } from "node:fs";
import { DEFAULT_PORT, parseInviteOptions } from "../config.ts";
import { findOwnerAccount } from "../core/accounts/accounts.ts";
import { systemClock } from "../core/clock.ts";
import { createCoreContext, type CoreContext } from "../core/context.ts";
import { getInstance } from "../core/instance/instance.ts";
import { createInvite, INVITE_EXPIRIES, inviteLink, isInviteExpiry } from "../core/invites/invites.ts";
import { databasePath } from "../db/connection.ts";
import { openDataDirectoryBesideServe } from "../db/open.ts";
import { UserError } from "../user-error.ts";
import type { CliIo } from "./run-cli.ts";

/** The one place this command opens the database: beside a running `serve` too, as the contract says. */
async function withDatabase<T>(dataDir: string, work: (core: CoreContext) => Promise<T>): Promise<T> {
  const database = await openDataDirectoryBesideServe(dataDir);
  try {
    return await work(createCoreContext(database.db, systemClock));
  } finally {
    await database.close();
  }
}

function readUses(uses: string | undefined): number | null {
  if (uses === undefined) return 1;
  if (uses === "unlimited") return null;
  if (!/^\d+$/.test(uses)) throw new UserError(`--uses takes 1, 5, 10, 25, 50, 100 or unlimited, not "${uses}".`);
  return Number(uses);
}

/** `hearth invite`: an invite link from the owner, printed last so scripts can take the last line. */
export async function invite(args: readonly string[], io: CliIo): Promise<void> {
  const options = parseInviteOptions(args);
  const maxUses = readUses(options.uses);
  const expiresIn = options.expires ?? "7d";
  if (!isInviteExpiry(expiresIn)) throw new UserError(`--expires takes ${INVITE_EXPIRIES.join(", ")}, not "${expiresIn}".`);
  // Checked before opening, which would create an empty database in a directory that was never set up.
  if (!existsSync(databasePath(options.dataDir))) throw new UserError(`${options.dataDir} is not set up yet; run \`hearth setup\` first.`);
  const { link, published, expiresAt } = await withDatabase(options.dataDir, async (core) => {
    const instance = await getInstance(core);
    const owner = await findOwnerAccount(core);
    if (!instance || !owner) throw new UserError(`${options.dataDir} is not set up yet; run \`hearth setup\` first.`);
    const created = await createInvite(core, { inviterAccountId: owner.id, maxUses, expiresIn });
    // Before the first publication there is no public origin: the link then works on this computer only.
    const origin = instance.canonical_origin ?? `http://127.0.0.1:${DEFAULT_PORT}`;
    return { link: inviteLink(origin, created.code), published: instance.canonical_origin !== null, expiresAt: created.expires_at };
  });
  if (!published) io.stderr.write("This Hearth has no public address yet, so the link works only on this computer until it is published.\n");
  const uses = maxUses === null ? "any number of people" : maxUses === 1 ? "one person" : `${maxUses} people`;
  io.stdout.write(`An invite for ${uses}, ${expiresAt === null ? "never expiring" : `valid until ${expiresAt}`}:\n${link}\n`);
}
