import { getAccount } from "../../core/accounts/accounts.ts";
import type { CoreContext } from "../../core/context.ts";
import { findAccessToken, noteAccessTokenUse } from "../../core/auth/tokens.ts";
import { StreamRequestError } from "./streams.ts";
import type { AccessTokenRow, AccountRow } from "../../core/rows.ts";

/** Who is listening: a user's token (the streaming API has nothing for app-only tokens, as on Mastodon). */
export interface StreamViewer {
  token: AccessTokenRow;
  /** Kept to notice when the token is revoked while the stream is open. */
  tokenValue: string;
  account: AccountRow;
  scopes: readonly string[];
}

export interface TokenSources {
  authorization?: string | null;
  /** ?access_token=: EventSource cannot send headers, and some clients put it there for WebSockets too. */
  accessTokenParam?: string | null;
  /** Browsers cannot set headers on a WebSocket either, so apps (masto, Elk) send the token as the subprotocol. */
  webSocketProtocol?: string | null;
}

/** The token, in Mastodon's order of preference: the Authorization header, the query, the subprotocol. */
export function tokenFrom(sources: TokenSources): string | undefined {
  const bearer = sources.authorization ? /^Bearer\s+(\S+)\s*$/i.exec(sources.authorization)?.[1] : undefined;
  if (bearer) return bearer;
  if (sources.accessTokenParam) return sources.accessTokenParam;
  const protocol = sources.webSocketProtocol?.split(",")[0]?.trim();
  return protocol || undefined;
}

export async function resolveStreamViewer(core: CoreContext, tokenValue: string | undefined): Promise<StreamViewer> {
  if (!tokenValue) throw new StreamRequestError(401, "Missing access token");
  const token = await findAccessToken(core, tokenValue);
  const account = token?.account_id ? await getAccount(core, token.account_id) : undefined;
  if (!token || !account) throw new StreamRequestError(401, "Invalid access token");
  await noteAccessTokenUse(core, token);
  return { token, tokenValue, account, scopes: token.scopes.split(" ") };
}

/** Whether the token still works: a revoked token's streams end, as Mastodon kills them. */
export async function isViewerStillValid(core: CoreContext, viewer: StreamViewer): Promise<boolean> {
  return (await findAccessToken(core, viewer.tokenValue)) !== undefined;
}
