import { createApplication } from "./applications.ts";
import type { CoreContext } from "../context.ts";
import { hashSecret, newSecret } from "./secrets.ts";
import type { AccessTokenRow, ApplicationRow } from "../rows.ts";
import { write } from "../write.ts";


/** The application that tokens printed by `hearth token` belong to. */
const CLI_APPLICATION_NAME = "Hearth command line";
const CLI_CLIENT_ID = "hearth-cli";
export const NO_REDIRECT = "urn:ietf:wg:oauth:2.0:oob";


async function cliApplication(ctx: CoreContext): Promise<ApplicationRow> {
  const existing = await ctx.db.selectFrom("oauth_applications").selectAll().where("client_id", "=", CLI_CLIENT_ID).executeTakeFirst();
  if (existing) return existing;
  const { application } = await createApplication(ctx, {
    name: CLI_APPLICATION_NAME,
    redirectUris: [NO_REDIRECT],
    scopes: ["read", "write", "follow", "push"],
    clientId: CLI_CLIENT_ID,
  });
  return application;
}

export interface IssuedToken {
  /** Shown once: only its hash is kept. */
  readonly token: string;
  readonly row: AccessTokenRow;
}

export async function issueAccessToken(
  ctx: CoreContext,
  input: { applicationId: string; accountId: string | null; scopes: readonly string[] },
): Promise<IssuedToken> {
  const token = newSecret();
  const row = await write(ctx, (trx) =>
    trx
      .insertInto("oauth_access_tokens")
      .values({
        id: ctx.ids.next(),
        token_hash: hashSecret(token),
        application_id: input.applicationId,
        account_id: input.accountId,
        scopes: input.scopes.join(" "),
        created_at: ctx.clock.now().toISOString(),
        last_used_at: null,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return { token, row };
}

export async function issueCliToken(ctx: CoreContext, accountId: string, scopes: readonly string[]): Promise<IssuedToken> {
  return write(ctx, async (trx) => {
    const inner = { ...ctx, db: trx };
    const application = await cliApplication(inner);
    return issueAccessToken(inner, { applicationId: application.id, accountId, scopes });
  });
}

/** Revokes a token; only the application it was issued to may do so. */
export async function revokeAccessToken(ctx: CoreContext, token: string, applicationId: string): Promise<void> {
  await write(ctx, (trx) =>
    trx
      .updateTable("oauth_access_tokens")
      .set({ revoked_at: ctx.clock.now().toISOString() })
      .where("token_hash", "=", hashSecret(token))
      .where("application_id", "=", applicationId)
      .where("revoked_at", "is", null)
      .execute(),
  );
}

// last_used_at answers "is this person active?" (NodeInfo, the instance's usage); to the hour is enough,
// and it spares a durable write on every request.
const LAST_USED_RESOLUTION_MS = 60 * 60 * 1000;

/** Notes that a token was used, at most once an hour. */
export async function noteAccessTokenUse(ctx: CoreContext, token: AccessTokenRow): Promise<void> {
  const now = ctx.clock.now();
  if (token.last_used_at !== null && now.getTime() - new Date(token.last_used_at).getTime() < LAST_USED_RESOLUTION_MS) return;
  await write(ctx, (trx) => trx.updateTable("oauth_access_tokens").set({ last_used_at: now.toISOString() }).where("id", "=", token.id).execute());
}

/** The live (not revoked) token with this value, or undefined. */
export async function findAccessToken(ctx: CoreContext, token: string): Promise<AccessTokenRow | undefined> {
  return ctx.db
    .selectFrom("oauth_access_tokens")
    .selectAll()
    .where("token_hash", "=", hashSecret(token))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}
