import type { Context } from "hono";
import { getAccount } from "../core/accounts/accounts.ts";
import type { CoreContext } from "../core/context.ts";
import { NotFound } from "../core/errors.ts";
import type { HonoApiEnv } from "./hono-env.ts";
import type { AccountRow } from "../core/rows.ts";

/**
 * The accounts a request is about: who is asking (after requireUser, or possibly nobody on public
 * endpoints) and the account an `:id` names.
 */

/** The signed-in account; only for routes behind requireUser, which guarantees it. */
export function viewerOf(c: Context<HonoApiEnv>): AccountRow {
  const account = c.get("auth")?.account;
  if (!account) throw new Error("viewerOf() used on a route that does not require a signed-in user.");
  return account;
}

/** The signed-in account on a public endpoint, or null for anonymous and app-only tokens. */
export function optionalViewerOf(c: Context<HonoApiEnv>): AccountRow | null {
  return c.get("auth")?.account ?? null;
}

const ACCOUNT_ID = /^\d{1,19}$/;

/** The account an id names, or undefined for ids that are not ours (or not ids at all). */
export async function accountById(core: CoreContext, id: string): Promise<AccountRow | undefined> {
  if (!ACCOUNT_ID.test(id)) return undefined;
  return getAccount(core, id.padStart(18, "0"));
}

/** The account an `:id` names; NotFound for ids that are not ours (or not ids at all). */
export async function accountParam(core: CoreContext, id: string): Promise<AccountRow> {
  const account = await accountById(core, id);
  if (!account) throw new NotFound(`There is no account ${id}.`);
  return account;
}
