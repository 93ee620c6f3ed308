import type { CoreContext } from "../context.ts";
import { NotFound } from "../errors.ts";
import { write } from "../write.ts";

/** An app that holds live tokens for an account, as Mastodon's "Authorized apps" page lists it. */
export interface AuthorizedApplication {
  applicationId: string;
  name: string;
  website: string | null;
  /** Every scope any of its tokens holds, in the order first seen. */
  scopes: string[];
  /** When the oldest of its live tokens was issued. */
  authorizedAt: string;
  /** The newest use of any of its tokens, to the hour (tokens.ts notes uses no more often); null if never. */
  lastUsedAt: string | null;
  tokenIds: string[];
}

/** The account's apps with live tokens, the most recently authorised first. */
export async function listAuthorizedApplications(ctx: CoreContext, accountId: string): Promise<AuthorizedApplication[]> {
  const rows = await ctx.db
    .selectFrom("oauth_access_tokens")
    .innerJoin("oauth_applications", "oauth_applications.id", "oauth_access_tokens.application_id")
    .select([
      "oauth_access_tokens.id as tokenId",
      "oauth_access_tokens.scopes",
      "oauth_access_tokens.created_at",
      "oauth_access_tokens.last_used_at",
      "oauth_applications.id as applicationId",
      "oauth_applications.name",
      "oauth_applications.website",
    ])
    .where("oauth_access_tokens.account_id", "=", accountId)
    .where("oauth_access_tokens.revoked_at", "is", null)
    .orderBy("oauth_access_tokens.created_at")
    .execute();
  const byApplication = new Map<string, AuthorizedApplication>();
  for (const row of rows) {
    const known = byApplication.get(row.applicationId);
    const application = known ?? {
      applicationId: row.applicationId,
      name: row.name,
      website: row.website,
      scopes: [],
      authorizedAt: row.created_at,
      lastUsedAt: null,
      tokenIds: [],
    };
    for (const scope of row.scopes.split(" ")) if (scope && !application.scopes.includes(scope)) application.scopes.push(scope);
    if (row.last_used_at && (!application.lastUsedAt || row.last_used_at > application.lastUsedAt)) application.lastUsedAt = row.last_used_at;
    application.tokenIds.push(row.tokenId);
    byApplication.set(row.applicationId, application);
  }
  return [...byApplication.values()].sort((a, b) => b.authorizedAt.localeCompare(a.authorizedAt));
}

/**
 * Revokes every live token the app holds for this account, as Mastodon's oauth/authorized_applications#destroy
 * does; other accounts' tokens of the same app stay. Returns how many were revoked.
 */
export async function revokeAuthorizedApplication(ctx: CoreContext, accountId: string, applicationId: string): Promise<number> {
  const result = await write(ctx, (trx) =>
    trx
      .updateTable("oauth_access_tokens")
      .set({ revoked_at: ctx.clock.now().toISOString() })
      .where("account_id", "=", accountId)
      .where("application_id", "=", applicationId)
      .where("revoked_at", "is", null)
      .executeTakeFirst(),
  );
  const revoked = Number(result.numUpdatedRows);
  if (revoked === 0) throw new NotFound("No app with that id holds a token for this account.");
  return revoked;
}
