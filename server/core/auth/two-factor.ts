import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import type { CoreContext } from "../context.ts";
import { Conflict, Invalid } from "../errors.ts";
import { write } from "../write.ts";
import { hashSecret } from "./secrets.ts";

/** RFC 6238's defaults, the ones every authenticator app reads without being told: SHA-1, 6 digits, 30 s. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step either side: a phone's clock a little off, or a code typed as it turned over. */
const WINDOW = 1;
/** As Mastodon: ten recovery codes, each used once. */
export const RECOVERY_CODE_COUNT = 10;

export interface TwoFactorStatus {
  isEnabled: boolean;
  /** Recovery codes not used yet. */
  recoveryCodesLeft: number;
}

export interface TwoFactorSetup {
  /** Base32, for typing into an app by hand. */
  secret: string;
  /** otpauth://totp/..., for a QR code. */
  uri: string;
}

function totp(secret: string, label: string, issuer: string): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD_SECONDS, algorithm: "SHA1" });
}

/** Spaces and dashes, as people copy them, do not count; nor does case. */
function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, "");
}

function newRecoveryCode(): string {
  const hex = randomBytes(5).toString("hex");
  return `${hex.slice(0, 5)}-${hex.slice(5)}`;
}

export async function twoFactorStatus(ctx: CoreContext, accountId: string): Promise<TwoFactorStatus> {
  const row = await ctx.db.selectFrom("two_factor").select("enabled_at").where("account_id", "=", accountId).executeTakeFirst();
  if (!row?.enabled_at) return { isEnabled: false, recoveryCodesLeft: 0 };
  const { left } = await ctx.db
    .selectFrom("two_factor_recovery_codes")
    .select((eb) => eb.fn.countAll<number>().as("left"))
    .where("account_id", "=", accountId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return { isEnabled: true, recoveryCodesLeft: Number(left) };
}

export async function isTwoFactorEnabled(ctx: CoreContext, accountId: string): Promise<boolean> {
  return (await twoFactorStatus(ctx, accountId)).isEnabled;
}

/**
 * A new secret for the account, not yet in force: sign-in asks for codes only once the app has shown it has
 * the secret (confirmTwoFactorSetup). Starting again replaces a secret never confirmed.
 */
export async function beginTwoFactorSetup(ctx: CoreContext, accountId: string, names: { label: string; issuer: string }): Promise<TwoFactorSetup> {
  const secret = new Secret({ size: 20 }).base32;
  await write(ctx, async (trx) => {
    const existing = await trx.selectFrom("two_factor").select("enabled_at").where("account_id", "=", accountId).executeTakeFirst();
    if (existing?.enabled_at) throw new Conflict("Two-factor sign-in is already on for this account; turn it off first to set up a new app.");
    await trx.deleteFrom("two_factor").where("account_id", "=", accountId).execute();
    await trx
      .insertInto("two_factor")
      .values({ account_id: accountId, secret, enabled_at: null, last_used_step: null, created_at: ctx.clock.now().toISOString() })
      .execute();
  });
  return { secret, uri: totp(secret, names.label, names.issuer).toString() };
}

/**
 * Whether `code` is the account's TOTP code now (one step either side), for a step newer than the last one
 * accepted; if so that step is recorded in the same statement, so two requests racing with one code cannot
 * both pass.
 */
async function acceptTotpCode(ctx: CoreContext, accountId: string, code: string, options: { whileSettingUp: boolean }): Promise<boolean> {
  const row = await ctx.db.selectFrom("two_factor").selectAll().where("account_id", "=", accountId).executeTakeFirst();
  if (!row || (row.enabled_at === null) !== options.whileSettingUp) return false;
  const digits = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(digits)) return false;
  const timestamp = ctx.clock.now().getTime();
  const delta = TOTP.validate({ token: digits, secret: Secret.fromBase32(row.secret), digits: DIGITS, period: PERIOD_SECONDS, timestamp, window: WINDOW });
  if (delta === null) return false;
  const step = TOTP.counter({ period: PERIOD_SECONDS, timestamp }) + delta;
  const result = await write(ctx, (trx) =>
    trx
      .updateTable("two_factor")
      .set({ last_used_step: step })
      .where("account_id", "=", accountId)
      .where((eb) => eb.or([eb("last_used_step", "is", null), eb("last_used_step", "<", step)]))
      .executeTakeFirst(),
  );
  return result.numUpdatedRows > 0n;
}

/** Uses up one of the account's recovery codes, if `code` is one not used yet. */
async function acceptRecoveryCode(ctx: CoreContext, accountId: string, code: string): Promise<boolean> {
  const normalised = normaliseRecoveryCode(code);
  if (normalised.length === 0) return false;
  const result = await write(ctx, (trx) =>
    trx
      .updateTable("two_factor_recovery_codes")
      .set({ used_at: ctx.clock.now().toISOString() })
      .where("account_id", "=", accountId)
      .where("code_hash", "=", hashSecret(normalised))
      .where("used_at", "is", null)
      .executeTakeFirst(),
  );
  return result.numUpdatedRows > 0n;
}

/**
 * The app's first code ends the set-up: two-factor is on from here, and the recovery codes are given, in the
 * clear this once; only their hashes are kept.
 */
export async function confirmTwoFactorSetup(ctx: CoreContext, accountId: string, code: string): Promise<string[]> {
  const pending = await ctx.db.selectFrom("two_factor").select("enabled_at").where("account_id", "=", accountId).executeTakeFirst();
  if (!pending) throw new Invalid("Start the set-up first: there is no secret waiting for a code.");
  if (pending.enabled_at) throw new Conflict("Two-factor sign-in is already on for this account.");
  if (!(await acceptTotpCode(ctx, accountId, code, { whileSettingUp: true }))) {
    throw new Invalid("That code is not the one your app shows now; check that the phone's clock is right and type the newest code.");
  }
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await write(ctx, async (trx) => {
    await trx.updateTable("two_factor").set({ enabled_at: ctx.clock.now().toISOString() }).where("account_id", "=", accountId).execute();
    await trx.deleteFrom("two_factor_recovery_codes").where("account_id", "=", accountId).execute();
    await trx
      .insertInto("two_factor_recovery_codes")
      .values(codes.map((recovery) => ({ account_id: accountId, code_hash: hashSecret(normaliseRecoveryCode(recovery)), used_at: null })))
      .execute();
  });
  return codes;
}

/** Whether `code` is the account's current TOTP code or an unused recovery code; either is used up by passing. */
export async function checkSecondFactor(ctx: CoreContext, accountId: string, code: string): Promise<boolean> {
  const trimmed = code.trim();
  if (trimmed === "") return false;
  if (/^[\d\s]+$/.test(trimmed)) return acceptTotpCode(ctx, accountId, trimmed, { whileSettingUp: false });
  return acceptRecoveryCode(ctx, accountId, trimmed);
}

/** Turns two-factor off: the secret and the recovery codes are forgotten. The caller has checked password and code. */
export async function disableTwoFactor(ctx: CoreContext, accountId: string): Promise<void> {
  await write(ctx, async (trx) => {
    await trx.deleteFrom("two_factor_recovery_codes").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("two_factor").where("account_id", "=", accountId).execute();
  });
}
