import type { AccessTokenRow, AccountRow } from "../core/rows.ts";

/** What a request carries once authenticated: the token, its scopes and, for user tokens, the account. */
export interface Authentication {
  token: AccessTokenRow;
  scopes: readonly string[];
  account: AccountRow | null;
}

/** Who sent a request, as http/ decides it from the listener it came in by (see http/client-address.ts). */
export interface RequestClient {
  /** Cloudflare's Cf-Connecting-IP through the tunnel's own listener, else the socket's address. */
  address: string;
  /** Came in through Hearth's cloudflared: from somewhere on the internet. */
  isThroughTunnel: boolean;
}

/**
 * Hono's Env type parameter for the client API (`new Hono<HonoApiEnv>()`, `Context<HonoApiEnv>`): the
 * variables middleware sets on a request for the handlers after it. Nothing to do with process.env.
 */
export interface HonoApiEnv {
  Variables: {
    auth: Authentication | null;
    client: RequestClient;
    /** The bytes of a JSON answer (json-answer.ts), for reuse without reading its body back. */
    answerBytes?: Uint8Array<ArrayBuffer>;
  };
}
