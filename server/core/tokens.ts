import { createHash, randomBytes } from "node:crypto";
import type { Selectable } from "kysely";
import type { OAuthAccessTokensTable, OAuthApplicationsTable } from "../db/schema.ts";
import type { CoreContext } from "./context.ts";

export type ApplicationRow = Selectable<OAuthApplicationsTable>;
export type AccessTokenRow = Selectable<OAuthAccessTokensTable>;

/** The application that tokens printed by `hearth token` belong to. */
export const CLI_APPLICATION_NAME = "Hearth command line";
const CLI_CLIENT_ID = "hearth-cli";
const NO_REDIRECT = "urn:ietf:wg:oauth:2.0:oob";

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

export interface NewApplication {
  name: string;
  website?: string | null;
  redirectUris: readonly string[];
  scopes: readonly string[];
  clientId?: string;
}

export async function createApplication(ctx: CoreContext, input: NewApplication): Promise<{ application: ApplicationRow; clientSecret: string }> {
  const clientSecret = newSecret();
  const application = await ctx.db
    .insertInto("oauth_applications")
    .values({
      id: ctx.ids.next(),
      name: input.name,
      website: input.website ?? null,
      redirect_uris: input.redirectUris.join("\n"),
      scopes: input.scopes.join(" "),
      client_id: input.clientId ?? newSecret(),
      client_secret_hash: hashSecret(clientSecret),
      created_at: ctx.clock.now().toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { application, clientSecret };
}

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
  const row = await ctx.db
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
    .executeTakeFirstOrThrow();
  return { token, row };
}

export async function issueCliToken(ctx: CoreContext, accountId: string, scopes: readonly string[]): Promise<IssuedToken> {
  return ctx.db.transaction().execute(async (trx) => {
    const inner = { ...ctx, db: trx };
    const application = await cliApplication(inner);
    return issueAccessToken(inner, { applicationId: application.id, accountId, scopes });
  });
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
