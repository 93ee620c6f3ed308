import { createHash, timingSafeEqual } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { hashSecret, newSecret } from "./secrets.ts";
import { issueAccessToken, type IssuedToken } from "./tokens.ts";
import type { ApplicationRow, AuthorizationCodeRow } from "../rows.ts";
import { write } from "../write.ts";


/** Codes are short-lived (RFC 6749 §4.1.2 recommends at most ten minutes) and used once. */
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export type CodeChallengeMethod = "S256" | "plain";

export interface NewAuthorizationCode {
  applicationId: string;
  accountId: string;
  redirectUri: string;
  scopes: readonly string[];
  codeChallenge: string | null;
  codeChallengeMethod: CodeChallengeMethod | null;
}

export async function createAuthorizationCode(ctx: CoreContext, input: NewAuthorizationCode): Promise<string> {
  const code = newSecret();
  const now = ctx.clock.now();
  await write(ctx, (trx) =>
    trx
      .insertInto("oauth_authorization_codes")
      .values({
        id: ctx.ids.next(now),
        code_hash: hashSecret(code),
        application_id: input.applicationId,
        account_id: input.accountId,
        redirect_uri: input.redirectUri,
        scopes: input.scopes.join(" "),
        code_challenge: input.codeChallenge,
        code_challenge_method: input.codeChallenge === null ? null : (input.codeChallengeMethod ?? "plain"),
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + CODE_LIFETIME_MS).toISOString(),
        used_at: null,
      })
      .execute(),
  );
  return code;
}

function verifierMatches(row: AuthorizationCodeRow, verifier: string | undefined): boolean {
  if (row.code_challenge === null) return true;
  if (verifier === undefined) return false;
  const computed = row.code_challenge_method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  const expected = Buffer.from(row.code_challenge);
  const actual = Buffer.from(computed);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Why an exchange failed, in OAuth's words (RFC 6749 §5.2). */
export class InvalidGrant extends Error {
  override name = "InvalidGrant";
}

/**
 * Trades a code for an access token, once. The code must be this application's, unexpired, unused, for
 * the same redirect URI, and (with PKCE) come with the verifier whose hash was the challenge.
 */
export async function exchangeAuthorizationCode(
  ctx: CoreContext,
  application: ApplicationRow,
  input: { code: string; redirectUri: string; codeVerifier: string | undefined },
): Promise<IssuedToken> {
  const outcome = await write(ctx, async (trx): Promise<IssuedToken | { reused: true }> => {
    const inner = { ...ctx, db: trx };
    const row = await trx.selectFrom("oauth_authorization_codes").selectAll().where("code_hash", "=", hashSecret(input.code)).executeTakeFirst();
    const now = ctx.clock.now().toISOString();
    if (!row || row.application_id !== application.id) throw new InvalidGrant("The authorization code is not valid.");
    if (row.used_at !== null) {
      // A code presented twice may have been stolen: RFC 6749 §4.1.2 says to revoke what it granted.
      await trx
        .updateTable("oauth_access_tokens")
        .set({ revoked_at: now })
        .where("application_id", "=", application.id)
        .where("account_id", "=", row.account_id)
        .where("created_at", ">=", row.created_at)
        .where("revoked_at", "is", null)
        .execute();
      // Returned, not thrown: a throw would roll the revocation back.
      return { reused: true };
    }
    if (row.expires_at <= now) throw new InvalidGrant("The authorization code has expired; sign in again.");
    if (row.redirect_uri !== input.redirectUri) throw new InvalidGrant("The redirect_uri does not match the one the code was issued for.");
    if (!verifierMatches(row, input.codeVerifier)) throw new InvalidGrant("The code_verifier does not match the code_challenge.");
    await trx.updateTable("oauth_authorization_codes").set({ used_at: now }).where("id", "=", row.id).execute();
    return issueAccessToken(inner, { applicationId: application.id, accountId: row.account_id, scopes: row.scopes.split(" ") });
  });
  if ("reused" in outcome) throw new InvalidGrant("The authorization code has already been used.");
  return outcome;
}
