import { createRestAPIClient, type MastoHttpError, type mastodon } from "masto";
import { insertLocalAccount, prepareLocalAccount } from "../../server/core/accounts/accounts.ts";
import type { CoreContext } from "../../server/core/context.ts";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import type { LocalUserRole } from "../../server/db/schema.ts";

/** A person using the client API: their account, a token and a masto client on the instance's URL. */
export interface ApiUser {
  account: AccountRow;
  token: string;
  client: mastodon.rest.Client;
  /** A raw request with the token, for what masto does not show (status codes, Link headers). */
  request(path: string, init?: RequestInit): Promise<Response>;
}

export async function apiUser(core: CoreContext, url: string, account: AccountRow, scopes: readonly string[] = ["read", "write", "follow"]): Promise<ApiUser> {
  const { token } = await issueCliToken(core, account.id, scopes);
  return {
    account,
    token,
    client: createRestAPIClient({ url, accessToken: token }),
    request: (path, init = {}) => fetch(`${url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } }),
  };
}

/** Another person on the same instance (a member, as the owner would invite, or a moderator). */
export async function addLocalAccount(core: CoreContext, username: string, role: Exclude<LocalUserRole, "owner"> = "member"): Promise<AccountRow> {
  const prepared = await prepareLocalAccount({ username, password: "correct horse battery staple", role });
  return core.db.transaction().execute((trx) => insertLocalAccount(core, trx, prepared));
}

/** A JSON request body with its content type. */
export function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}

/** The HTTP status a masto call ended with: 200 when it did not fail. */
export async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as MastoHttpError).statusCode;
  }
}

/** The HTTP status and message a masto call ended with: 200 and "" when it did not fail. */
export async function errorOf(promise: Promise<unknown>): Promise<{ status: number | undefined; message: string }> {
  try {
    await promise;
    return { status: 200, message: "" };
  } catch (error) {
    return { status: (error as MastoHttpError).statusCode, message: (error as MastoHttpError).message };
  }
}

/** The rel="next" and rel="prev" URLs of a Link header. */
export function parseLink(header: string | null): { next?: string; prev?: string } {
  const links: { next?: string; prev?: string } = {};
  for (const part of (header ?? "").split(",")) {
    const match = /<([^>]+)>;\s*rel="(next|prev)"/.exec(part.trim());
    if (match?.[1] && match[2]) links[match[2] as "next" | "prev"] = match[1];
  }
  return links;
}
