import { randomInt } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { Forbidden, Invalid, NotFound } from "../errors.ts";
import type { InviteRow } from "../rows.ts";
import { write } from "../write.ts";

/** Mastodon's choices of uses (app/views/invites/_form); null is "no limit". */
export const INVITE_MAX_USES = [1, 5, 10, 25, 50, 100] as const;

/** Mastodon's choices of expiry (30 minutes to a week), by the short names the CLI and the API take. */
const EXPIRY_MS = {
  "30m": 30 * 60_000,
  "1h": 60 * 60_000,
  "6h": 6 * 60 * 60_000,
  "12h": 12 * 60 * 60_000,
  "1d": 24 * 60 * 60_000,
  "7d": 7 * 24 * 60 * 60_000,
  never: null,
} as const;

export type InviteExpiry = keyof typeof EXPIRY_MS;
export const INVITE_EXPIRIES = Object.keys(EXPIRY_MS) as InviteExpiry[];

// Mastodon's own limit for an invite's comment.
export const INVITE_COMMENT_MAX = 420;

// Mastodon's alphabet for codes: letters and digits without those read alike (0 O 1 I l). 12 of them are
// about 70 bits, beyond guessing through any rate limit; Mastodon's 8 are about 47.
const CODE_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 12;

function newInviteCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** The link to share: the public origin's /invite/CODE (the page, and for apps its JSON). */
export function inviteLink(origin: string, code: string): string {
  return `${origin}/invite/${code}`;
}

export function isInviteExpiry(value: string): value is InviteExpiry {
  return Object.hasOwn(EXPIRY_MS, value);
}

export interface NewInvite {
  inviterAccountId: string;
  /** Null: no limit. */
  maxUses: number | null;
  expiresIn: InviteExpiry;
  comment?: string;
  /** The new member follows the inviter. */
  autofollow?: boolean;
}

export async function createInvite(ctx: CoreContext, input: NewInvite): Promise<InviteRow> {
  if (input.maxUses !== null && !(INVITE_MAX_USES as readonly number[]).includes(input.maxUses)) {
    throw new Invalid(`An invite can be used ${INVITE_MAX_USES.join(", ")} times or without limit, not ${input.maxUses}.`);
  }
  if (!isInviteExpiry(input.expiresIn)) {
    throw new Invalid(`An invite expires after ${INVITE_EXPIRIES.join(", ")}, not "${String(input.expiresIn)}".`);
  }
  const comment = (input.comment ?? "").trim();
  if ([...comment].length > INVITE_COMMENT_MAX) throw new Invalid(`The note is too long: use at most ${INVITE_COMMENT_MAX} characters.`);
  const now = ctx.clock.now();
  const lifetime = EXPIRY_MS[input.expiresIn];
  return write(ctx, (trx) =>
    trx
      .insertInto("invites")
      .values({
        id: ctx.ids.next(now),
        code: newInviteCode(),
        inviter_account_id: input.inviterAccountId,
        max_uses: input.maxUses,
        expires_at: lifetime === null ? null : new Date(now.getTime() + lifetime).toISOString(),
        revoked_at: null,
        autofollow: input.autofollow ? 1 : 0,
        comment,
        created_at: now.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

export type InviteState = "usable" | "revoked" | "expired" | "used_up";

export function inviteState(invite: InviteRow, now: Date): InviteState {
  if (invite.revoked_at !== null) return "revoked";
  if (invite.expires_at !== null && Date.parse(invite.expires_at) <= now.getTime()) return "expired";
  if (invite.max_uses !== null && invite.uses >= invite.max_uses) return "used_up";
  return "usable";
}

/** Uses left; null when there is no limit. */
export function inviteUsesLeft(invite: InviteRow): number | null {
  return invite.max_uses === null ? null : Math.max(0, invite.max_uses - invite.uses);
}

/** Every invite, newest first, whatever its state: the owner sees what was used and revoked too. */
export async function listInvites(ctx: CoreContext): Promise<InviteRow[]> {
  return ctx.db.selectFrom("invites").selectAll().orderBy("id", "desc").execute();
}

export async function findInviteByCode(ctx: CoreContext, code: string): Promise<InviteRow | undefined> {
  return ctx.db.selectFrom("invites").selectAll().where("code", "=", code).executeTakeFirst();
}

const REFUSALS: Record<Exclude<InviteState, "usable">, string> = {
  revoked: "This invite link was revoked; ask the person who invited you for a new one.",
  expired: "This invite link has expired; ask the person who invited you for a new one.",
  used_up: "This invite link has been used as many times as it allows; ask the person who invited you for a new one.",
};

/** The invite behind a code, if it can still make an account; otherwise a sentence saying why not. */
export async function requireUsableInvite(ctx: CoreContext, code: string): Promise<InviteRow> {
  const invite = code === "" ? undefined : await findInviteByCode(ctx, code);
  if (!invite) throw new Forbidden("This invite code is not known here; check the link, or ask the person who invited you for a new one.");
  const state = inviteState(invite, ctx.clock.now());
  if (state !== "usable") throw new Forbidden(REFUSALS[state]);
  return invite;
}

/** Whether some invite can still make an account: what /api/v1/instance's invites_enabled tells. */
export async function hasUsableInvite(ctx: CoreContext): Promise<boolean> {
  const now = ctx.clock.now().toISOString();
  const row = await ctx.db
    .selectFrom("invites")
    .select("id")
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .where((eb) => eb.or([eb("max_uses", "is", null), eb("uses", "<", eb.ref("max_uses"))]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Revokes an invite: it makes no more accounts; those it made stay. Revoking twice changes nothing. */
export async function revokeInvite(ctx: CoreContext, id: string): Promise<InviteRow> {
  return write(ctx, async (trx) => {
    const invite = await trx.selectFrom("invites").selectAll().where("id", "=", id).executeTakeFirst();
    if (!invite) throw new NotFound("Record not found");
    if (invite.revoked_at !== null) return invite;
    return trx
      .updateTable("invites")
      .set({ revoked_at: ctx.clock.now().toISOString() })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
