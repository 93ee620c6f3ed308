import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApiClient } from "../../renderer/src/api/http.ts";
import { beginSignIn, CALLBACK_PATH, completeSignIn, revokeSession, SignInError } from "../../renderer/src/auth/oauth-flow.ts";
import { memoryStore } from "../../renderer/src/state/key-value-store.ts";

interface Call {
  method: string;
  url: string;
  body: Record<string, string>;
}

/** A stand-in server that records what the client sends and answers as Hearth's OAuth endpoints do. */
function fakeServer() {
  const calls: Call[] = [];
  let apps = 0;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, string>) : {};
    calls.push({ method: init?.method ?? "GET", url, body });
    if (url.endsWith("/api/v1/apps")) {
      apps += 1;
      return Response.json({ client_id: `client-${apps}`, client_secret: `secret-${apps}` });
    }
    if (url.endsWith("/oauth/token")) return Response.json({ access_token: "the-token", token_type: "Bearer", scope: body.scope ?? "", created_at: 0 });
    if (url.endsWith("/oauth/revoke")) return Response.json({});
    return new Response("{}", { status: 404 });
  };
  return { calls, api: createApiClient({ base: "https://hearth.example", fetch: fetch as typeof globalThis.fetch }) };
}

const ORIGIN = "https://hearth.example";

describe("signing in through OAuth with PKCE, as any Mastodon app", () => {
  it("registers once per address, sends an S256 challenge of the verifier, and trades the code with the verifier", async () => {
    const { calls, api } = fakeServer();
    const stores = { local: memoryStore(), session: memoryStore() };
    const authorize = new URL(await beginSignIn(api, stores, ORIGIN, "/notifications"));
    expect(calls[0]).toMatchObject({ method: "POST", body: { client_name: "Hearth", redirect_uris: `${ORIGIN}${CALLBACK_PATH}`, scopes: "read write follow push" } });
    expect(authorize.pathname).toBe("/oauth/authorize");
    const query = authorize.searchParams;
    expect(Object.fromEntries(query)).toMatchObject({
      response_type: "code",
      client_id: "client-1",
      redirect_uri: `${ORIGIN}${CALLBACK_PATH}`,
      code_challenge_method: "S256",
      scope: "read write follow push",
    });
    expect(query.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const { session, returnTo } = await completeSignIn(api, stores, `?code=the-code&state=${query.get("state")}`);
    expect(returnTo).toBe("/notifications");
    expect(session).toEqual({ accessToken: "the-token", clientId: "client-1", clientSecret: "secret-1" });
    const exchange = calls.at(-1)!;
    expect(exchange.body).toMatchObject({ grant_type: "authorization_code", code: "the-code", client_id: "client-1", redirect_uri: `${ORIGIN}${CALLBACK_PATH}` });
    const challenge = createHash("sha256").update(exchange.body.code_verifier!).digest("base64url");
    expect(challenge).toBe(query.get("code_challenge"));

    // The next sign-in reuses the registration; another address registers anew.
    await beginSignIn(api, stores, ORIGIN);
    expect(calls.filter((call) => call.url.endsWith("/api/v1/apps"))).toHaveLength(1);
    await beginSignIn(api, stores, "https://other.example");
    expect(calls.filter((call) => call.url.endsWith("/api/v1/apps"))).toHaveLength(2);
  });

  it("refuses an answer whose state differs, and a callback it did not start; a code is used once", async () => {
    const { api } = fakeServer();
    const stores = { local: memoryStore(), session: memoryStore() };
    await beginSignIn(api, stores, ORIGIN);
    await expect(completeSignIn(api, stores, "?code=stolen&state=forged")).rejects.toThrow(SignInError);
    // The pending sign-in is gone after one answer, good or bad.
    await expect(completeSignIn(api, stores, "?code=x&state=y")).rejects.toThrow("not started here");
  });

  it("says so when the person denied the request", async () => {
    const { api } = fakeServer();
    const stores = { local: memoryStore(), session: memoryStore() };
    await beginSignIn(api, stores, ORIGIN);
    await expect(completeSignIn(api, stores, "?error=access_denied&error_description=The+user+denied+the+request.")).rejects.toThrow("Sign-in was cancelled.");
  });

  it("revokes with the app's credentials", async () => {
    const { calls, api } = fakeServer();
    await revokeSession(api, { accessToken: "t", clientId: "c", clientSecret: "s" });
    expect(calls[0]).toMatchObject({ method: "POST", url: "https://hearth.example/oauth/revoke", body: { client_id: "c", client_secret: "s", token: "t" } });
  });
});
