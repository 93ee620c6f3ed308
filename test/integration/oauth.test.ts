import { createHash, randomBytes } from "node:crypto";
import { createOAuthAPIClient, createRestAPIClient, type MastoHttpError } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";

const PASSWORD = "correct horse battery staple";
const REDIRECT = "hearthtest://oauth-callback";

interface RegisteredApp {
  clientId: string;
  clientSecret: string;
}

describe("OAuth: a third-party app signs in", () => {
  const dataDir = makeTempDir("oauth");
  let serving: ServingHearth;
  let url: string;
  /** Issued before serving: `hearth token` refuses a directory another process serves. */
  let cliToken: string;

  beforeAll(async () => {
    const setup = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "alice", "--password-stdin"], { stdin: `${PASSWORD}\n` });
    expect(setup.code).toBe(0);
    cliToken = (await runHearth(["token", "--data-dir", dataDir.path])).stdout.trim();
    serving = await serveHearth(["--data-dir", dataDir.path]);
    url = serving.localUrl;
  });
  afterAll(async () => {
    await serving?.stop();
    dataDir.remove();
  });

  async function registerApp(scopes = "read write follow push", redirectUris = REDIRECT): Promise<RegisteredApp> {
    const app = await createRestAPIClient({ url }).v1.apps.create({ clientName: "Test App", redirectUris, scopes, website: "https://app.example" });
    return { clientId: app.clientId!, clientSecret: app.clientSecret! };
  }

  function pkce() {
    const verifier = randomBytes(32).toString("base64url");
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
  }

  function authorizeUrl(app: RegisteredApp, extra: Record<string, string>) {
    const query = new URLSearchParams({ response_type: "code", client_id: app.clientId, redirect_uri: REDIRECT, ...extra });
    return `${url}/oauth/authorize?${query}`;
  }

  /** What a person does on the consent page: read the form, fill it in, submit it. */
  async function submitConsent(pageUrl: string, fields: Record<string, string>): Promise<Response> {
    const page = await fetch(pageUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    const form = new URLSearchParams();
    for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      form.set(match[1]!, match[2]!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));
    }
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    return fetch(`${url}/oauth/authorize`, { method: "POST", body: form, redirect: "manual" });
  }

  it("runs the authorization-code flow with PKCE and the token works through masto", async () => {
    const app = await registerApp();
    const { verifier, challenge } = pkce();
    const pageUrl = authorizeUrl(app, { scope: "read write", state: "s-123", code_challenge: challenge, code_challenge_method: "S256" });

    const page = await fetch(pageUrl);
    const html = await page.text();
    expect(html).toContain("Test App");
    expect(html).toContain("read everything in your account");
    // The browser must be allowed to follow the redirect back into the app after the form post.
    expect(page.headers.get("content-security-policy")).toContain("form-action 'self' hearthtest:");

    const redirect = await submitConsent(pageUrl, { username: "alice", password: PASSWORD, decision: "allow" });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("location")!);
    expect(`${location.protocol}//${location.host}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("s-123");
    const code = location.searchParams.get("code")!;

    const oauth = createOAuthAPIClient({ url });
    const token = await oauth.token.create({
      grantType: "authorization_code",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: REDIRECT,
      code,
      codeVerifier: verifier,
    } as Parameters<typeof oauth.token.create>[0]);
    expect(token.tokenType).toBe("Bearer");
    expect(token.scope).toBe("read write");

    const me = await createRestAPIClient({ url, accessToken: token.accessToken }).v1.accounts.verifyCredentials();
    expect(me.username).toBe("alice");

    // A code is good once; presenting it again revokes what it granted (RFC 6749 §4.1.2).
    const replay = await fetch(`${url}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "authorization_code", code, client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: REDIRECT, code_verifier: verifier }),
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    const revoked = await fetch(`${url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${token.accessToken}` } });
    expect(revoked.status).toBe(401);
  });

  it("refuses a code without the right PKCE verifier", async () => {
    const app = await registerApp();
    const { challenge } = pkce();
    const redirect = await submitConsent(authorizeUrl(app, { code_challenge: challenge, code_challenge_method: "S256" }), {
      username: "alice",
      password: PASSWORD,
    });
    const code = new URL(redirect.headers.get("location")!).searchParams.get("code")!;
    const form = new URLSearchParams({ grant_type: "authorization_code", code, client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
    const response = await fetch(`${url}/oauth/token`, { method: "POST", body: form });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_grant", error_description: "The code_verifier does not match the code_challenge." });
  });

  it("shows the form again on a wrong password, and sends access_denied when the person says no", async () => {
    const app = await registerApp();
    const pageUrl = authorizeUrl(app, { state: "abc" });
    const wrong = await submitConsent(pageUrl, { username: "alice", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Wrong username or password.");
    const unknown = await submitConsent(pageUrl, { username: "nobody", password: PASSWORD });
    expect(unknown.status).toBe(401);

    const denied = await submitConsent(pageUrl, { decision: "deny" });
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("abc");
  });

  it("never redirects to an address the app did not register", async () => {
    const app = await registerApp();
    const response = await fetch(authorizeUrl(app, { redirect_uri: "https://evil.example/steal" }), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("did not register");

    const unknownApp = await fetch(`${url}/oauth/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    expect(unknownApp.status).toBe(400);
  });

  it("sends a scope the app did not register back as invalid_scope", async () => {
    const app = await registerApp("read");
    const response = await fetch(authorizeUrl(app, { scope: "read write" }), { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location")!).searchParams.get("error")).toBe("invalid_scope");
  });

  it("shows the code on a page for out-of-band apps", async () => {
    const app = await registerApp("read", "urn:ietf:wg:oauth:2.0:oob");
    const query = new URLSearchParams({ response_type: "code", client_id: app.clientId, redirect_uri: "urn:ietf:wg:oauth:2.0:oob" });
    const response = await submitConsent(`${url}/oauth/authorize?${query}`, { username: "alice", password: PASSWORD });
    expect(response.status).toBe(200);
    const code = /<code>([^<]+)<\/code>/.exec(await response.text())?.[1];
    const token = await createOAuthAPIClient({ url }).token.create({
      grantType: "authorization_code",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: "urn:ietf:wg:oauth:2.0:oob",
      code: code!,
    });
    expect(token.accessToken).toBeTruthy();
  });

  it("gives an app-only token for client_credentials that verifies the app but is not a user", async () => {
    const app = await registerApp();
    const token = await createOAuthAPIClient({ url }).token.create({
      grantType: "client_credentials",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: REDIRECT,
      scope: "read",
    });
    const client = createRestAPIClient({ url, accessToken: token.accessToken });
    const verified = await client.v1.apps.verifyCredentials();
    expect(verified.name).toBe("Test App");
    expect(verified).not.toHaveProperty("clientSecret");
    const error = await client.v1.accounts.verifyCredentials().catch((caught: unknown) => caught);
    expect((error as MastoHttpError).statusCode).toBe(422);
    expect((error as MastoHttpError).message).toBe("This method requires an authenticated user");
  });

  it("revokes a token so it answers 401 afterwards", async () => {
    const app = await registerApp();
    const accessToken = cliToken;
    const cliTokenAnswer = await fetch(`${url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(cliTokenAnswer.status).toBe(200);
    // Another app cannot revoke the command line's token.
    await createOAuthAPIClient({ url }).revoke({ clientId: app.clientId, clientSecret: app.clientSecret, token: accessToken });
    expect((await fetch(`${url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(200);

    const own = await createOAuthAPIClient({ url }).token.create({
      grantType: "client_credentials",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: REDIRECT,
    });
    await createOAuthAPIClient({ url }).revoke({ clientId: app.clientId, clientSecret: app.clientSecret, token: own.accessToken });
    const after = await fetch(`${url}/api/v1/apps/verify_credentials`, { headers: { Authorization: `Bearer ${own.accessToken}` } });
    expect(after.status).toBe(401);
  });

  it("registers apps leniently where Mastodon is lenient, and says what is wrong otherwise", async () => {
    const lenient = await fetch(`${url}/api/v1/apps`, {
      method: "POST",
      body: new URLSearchParams({ client_name: "Future App", redirect_uris: `${REDIRECT}\nhttps://app.example/cb`, scopes: "read write:statuses some:future:scope" }),
    });
    expect(lenient.status).toBe(200);
    const body = (await lenient.json()) as { redirect_uri: string };
    expect(body).toMatchObject({ name: "Future App", scopes: ["read", "write:statuses"], redirect_uris: [REDIRECT, "https://app.example/cb"], client_secret_expires_at: 0 });
    expect(body.redirect_uri).toBe(`${REDIRECT}\nhttps://app.example/cb`);

    const blank = await fetch(`${url}/api/v1/apps`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ redirect_uris: REDIRECT }) });
    expect(blank.status).toBe(422);
    expect(await blank.json()).toEqual({ error: "Validation failed: Application name can't be blank" });
    const script = await fetch(`${url}/api/v1/apps`, { method: "POST", body: new URLSearchParams({ client_name: "x", redirect_uris: "javascript:alert(1)" }) });
    expect(script.status).toBe(422);
    const bad = await fetch(`${url}/oauth/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "x", client_secret: "y" }) });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: "invalid_client" });
  });

  it("publishes authorization server metadata", async () => {
    const metadata = (await (await fetch(`${url}/.well-known/oauth-authorization-server`)).json()) as { scopes_supported: string[] };
    expect(metadata).toMatchObject({
      authorization_endpoint: `${url}/oauth/authorize`,
      token_endpoint: `${url}/oauth/token`,
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "client_credentials"],
    });
    expect(metadata.scopes_supported).toContain("read:statuses");
  });
});
