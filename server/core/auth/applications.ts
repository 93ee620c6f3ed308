import { timingSafeEqual } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { hashSecret, newSecret } from "./secrets.ts";
import type { ApplicationRow } from "../rows.ts";
import { write } from "../write.ts";


export interface NewApplication {
  name: string;
  website?: string | null;
  redirectUris: readonly string[];
  scopes: readonly string[];
  clientId?: string;
}

export async function createApplication(ctx: CoreContext, input: NewApplication): Promise<{ application: ApplicationRow; clientSecret: string }> {
  const clientSecret = newSecret();
  const application = await write(ctx, (trx) =>
    trx
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
      .executeTakeFirstOrThrow(),
  );
  return { application, clientSecret };
}

export async function getApplication(ctx: CoreContext, id: string): Promise<ApplicationRow | undefined> {
  return ctx.db.selectFrom("oauth_applications").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findApplicationByClientId(ctx: CoreContext, clientId: string): Promise<ApplicationRow | undefined> {
  return ctx.db.selectFrom("oauth_applications").selectAll().where("client_id", "=", clientId).executeTakeFirst();
}

/** The application whose id and secret these are, or undefined: OAuth's client authentication. */
export async function authenticateClient(ctx: CoreContext, clientId: string, clientSecret: string): Promise<ApplicationRow | undefined> {
  const application = await findApplicationByClientId(ctx, clientId);
  if (!application) return undefined;
  const expected = Buffer.from(application.client_secret_hash, "hex");
  const actual = Buffer.from(hashSecret(clientSecret), "hex");
  return timingSafeEqual(expected, actual) ? application : undefined;
}

export function redirectUrisOf(application: ApplicationRow): string[] {
  return application.redirect_uris.split("\n").filter(Boolean);
}
