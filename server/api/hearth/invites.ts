import { Hono, type Context } from "hono";
import { getLocalUser } from "../../core/accounts/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden, Invalid } from "../../core/errors.ts";
import { createInvite, INVITE_EXPIRIES, inviteLink, inviteState, inviteUsesLeft, listInvites, revokeInvite } from "../../core/invites/invites.ts";
import type { InviteRow } from "../../core/rows.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { flag, oneOf, pathId, readInput, text } from "../input.ts";

export interface InviteRoutesDependencies {
  core: CoreContext;
  origin(): string;
}

function inviteEntity(row: InviteRow, origin: string, now: Date) {
  return {
    id: row.id,
    code: row.code,
    url: inviteLink(origin, row.code),
    uses: row.uses,
    max_uses: row.max_uses,
    uses_left: inviteUsesLeft(row),
    expires_at: row.expires_at,
    autofollow: row.autofollow === 1,
    comment: row.comment,
    created_at: row.created_at,
    revoked_at: row.revoked_at,
    state: inviteState(row, now),
  };
}

/**
 * Absent is one use (a link for one person, the safe default); "unlimited", "" or JSON null is no limit;
 * otherwise a whole number, which core checks against Mastodon's choices.
 */
function maxUses(): (params: Record<string, unknown>, name: string) => number | null {
  const read = text();
  return (params, name) => {
    if (!(name in params)) return 1;
    if (params[name] === null) return null;
    const value = read(params, name)?.trim();
    if (value === undefined || value === "" || value === "unlimited") return null;
    if (!/^\d+$/.test(value)) throw new Invalid(`max_uses must be a number of uses or "unlimited", not "${value}".`);
    return Number(value);
  };
}

const NewInvite = {
  max_uses: maxUses(),
  expires_in: oneOf(INVITE_EXPIRIES, (value) => `expires_in must be one of ${INVITE_EXPIRIES.join(", ")}, not "${value}".`),
  comment: text(),
  autofollow: flag(false),
};

/** Invites are the owner's to hand out: a member's token is refused. */
async function requireOwner(c: Context<HonoApiEnv>, core: CoreContext): Promise<string> {
  const account = c.get("auth")?.account;
  const user = account ? await getLocalUser(core, account.id) : undefined;
  if (!account || user?.role !== "owner") throw new Forbidden("Only the owner of this instance can manage its invites.");
  return account.id;
}

/** /api/hearth/invites: the owner's invite links (Mastodon has no API for them: its own are in the web UI). */
export function inviteRoutes({ core, origin }: InviteRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read"), async (c) => {
    await requireOwner(c, core);
    c.header("Cache-Control", "no-store");
    const now = core.clock.now();
    return c.json((await listInvites(core)).map((row) => inviteEntity(row, origin(), now)));
  });

  routes.post("/", requireUser("write"), async (c) => {
    const ownerId = await requireOwner(c, core);
    const input = await readInput(c, NewInvite);
    const invite = await createInvite(core, {
      inviterAccountId: ownerId,
      maxUses: input.max_uses,
      expiresIn: input.expires_in ?? "7d",
      comment: input.comment,
      autofollow: input.autofollow,
    });
    return c.json(inviteEntity(invite, origin(), core.clock.now()));
  });

  routes.delete("/:id", requireUser("write"), async (c) => {
    await requireOwner(c, core);
    const invite = await revokeInvite(core, pathId(c));
    return c.json(inviteEntity(invite, origin(), core.clock.now()));
  });

  return routes;
}
