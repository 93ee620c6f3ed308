import type { AccessTokenRow, AccountRow } from "../core/rows.ts";

/** What a request carries once authenticated: the token, its scopes and, for user tokens, the account. */
export interface Authentication {
  token: AccessTokenRow;
  scopes: readonly string[];
  account: AccountRow | null;
}

export interface ApiEnv {
  Variables: {
    auth: Authentication | null;
  };
}
