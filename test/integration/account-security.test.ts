import { createRestAPIClient } from "masto";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../server/core/clock.ts";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import type { RateLimits } from "../../server/http/rate-limit.ts";
import { addLocalAccount, apiUser, jsonBody, statusOf, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

const PASSWORD = "correct horse battery staple";
const REDIRECT = "hearthtest://oauth-callback";
const STEP_MS = 30_000;

/** A clock the test moves a TOTP step at a time, so which code is current never depends on when the test runs. */
function movableClock(): Clock & { advance(ms: number): void } {
  // Started in the middle of a step: a code made from this clock is never a step boundary away from the server's.
  let offsetMs = STEP_MS / 2 - (Date.now() % STEP_MS);
  return { now: () => new Date(Date.now() + offsetMs), advance: (ms) => void (offsetMs += ms) };
}

interface RegisteredApp {
  clientId: string;
  clientSecret: string;
  id: string;
}

async function registerApp(url: string, name: string): Promise<RegisteredApp> {
  const response = await fetch(`${url}/api/v1/apps`, jsonBody("POST", { client_name: name, redirect_uris: REDIRECT, scopes: "read write", website: "https://app.example" }));
  expect(response.status).toBe(200);
  const app = (await response.json()) as { client_id: string; client_secret: string; id: string };
  return { clientId: app.client_id, clientSecret: app.client_secret, id: app.id };
}

/** The hidden fields of the page's form, as a browser would send them back. */
function hiddenFields(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1]!, match[2]!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));
  }
  return form;
}

function alertOf(html: string): string {
  return /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? "";
}

/** A browser on the sign-in page: opens it, posts the password, then (if asked) the code, reading each page's form. */
class Browser {
  private page = "";
  private readonly url: string;
  private readonly app: RegisteredApp;
  constructor(url: string, app: RegisteredApp) {
    this.url = url;
    this.app = app;
  }

  private async post(fields: Record<string, string>): Promise<Response> {
    const form = hiddenFields(this.page);
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    const response = await fetch(`${this.url}/oauth/authorize`, { method: "POST", body: form, redirect: "manual" });
    if (response.status !== 302) this.page = await response.text();
    return response;
  }

  async open(): Promise<void> {
    const query = new URLSearchParams({ response_type: "code", client_id: this.app.clientId, redirect_uri: REDIRECT, scope: "read write" });
    const response = await fetch(`${this.url}/oauth/authorize?${query}`);
    expect(response.status).toBe(200);
    this.page = await response.text();
  }

  signIn(username: string, password: string): Promise<Response> {
    return this.post({ username, password, decision: "allow" });
  }

  giveCode(code: string): Promise<Response> {
    return this.post({ code, decision: "allow" });
  }

  get html(): string {
    return this.page;
  }

  get asksForCode(): boolean {
    return this.page.includes('name="code"') && this.page.includes('name="two_factor_ticket"');
  }
}

async function tokenFrom(url: string, app: RegisteredApp, redirect: Response): Promise<string> {
  expect(redirect.status).toBe(302);
  const code = new URL(redirect.headers.get("location")!).searchParams.get("code")!;
  const response = await fetch(`${url}/oauth/token`, jsonBody("POST", { grant_type: "authorization_code", code, client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: REDIRECT }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function canUse(url: string, token: string): Promise<number | undefined> {
  return statusOf(createRestAPIClient({ url, accessToken: token }).v1.accounts.verifyCredentials());
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

const roomyLimits: Partial<RateLimits> = { signIn: { limit: 1000, periodSeconds: 300 }, signInAccount: { limit: 1000, periodSeconds: 900 } };

describe("two-factor sign-in through the authorize page", () => {
  const clock = movableClock();
  let group: InstanceGroup;
  let hearth: TestInstance;
  let owner: ApiUser;
  let app: RegisteredApp;
  let secret = "";
  let recoveryCodes: string[] = [];
  /** What the authenticator app shows, offsetSteps steps from now on the instance's clock. */
  const codeNow = (offsetSteps = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: clock.now().getTime() + offsetSteps * STEP_MS });

  beforeAll(async () => {
    group = await startInstances([{ username: "alice", options: { clock, rateLimits: roomyLimits } }]);
    hearth = group.instances[0]!;
    owner = await apiUser(hearth.core, hearth.url, hearth.owner, ["read", "write"]);
    app = await registerApp(hearth.url, "Phone App");
  });
  afterAll(() => group?.close());

  it("signs in with the password alone while two-factor is off", async () => {
    const browser = new Browser(hearth.url, app);
    await browser.open();
    const redirect = await browser.signIn("alice", PASSWORD);
    expect(await canUse(hearth.url, await tokenFrom(hearth.url, app, redirect))).toBe(200);
  });

  it("sets two-factor up: the password again, then a code from the app, then ten recovery codes", async () => {
    const noPassword = await owner.request("/api/hearth/account/two_factor/setup", jsonBody("POST", {}));
    expect(noPassword.status).toBe(422);
    const wrongPassword = await owner.request("/api/hearth/account/two_factor/setup", jsonBody("POST", { password: "not it at all" }));
    expect(wrongPassword.status).toBe(422);
    expect((await json<{ error: string }>(wrongPassword)).error).toMatch(/current password/);

    const setup = await owner.request("/api/hearth/account/two_factor/setup", jsonBody("POST", { password: PASSWORD }));
    expect(setup.status).toBe(200);
    const body = await json<{ secret: string; uri: string; qr_code: string }>(setup);
    secret = body.secret;
    expect(body.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(body.qr_code).toMatch(/^data:image\/svg\+xml;base64,/);
    // Not on until confirmed: the password alone still signs in.
    expect(await json<{ enabled: boolean }>(await owner.request("/api/hearth/account/two_factor"))).toMatchObject({ enabled: false });

    const wrongCode = await owner.request("/api/hearth/account/two_factor/confirm", jsonBody("POST", { code: "000000" === codeNow() ? "111111" : "000000" }));
    expect(wrongCode.status).toBe(422);
    const confirm = await owner.request("/api/hearth/account/two_factor/confirm", jsonBody("POST", { code: codeNow() }));
    expect(confirm.status).toBe(200);
    recoveryCodes = (await json<{ recovery_codes: string[] }>(confirm)).recovery_codes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await json<{ enabled: boolean; recovery_codes_left: number }>(await owner.request("/api/hearth/account/two_factor"))).toEqual({ enabled: true, recovery_codes_left: 10 });
  });

  it("asks for the code after the right password; a wrong or expired code is refused, the right one signs in, and it cannot be given twice", async () => {
    clock.advance(STEP_MS);
    const browser = new Browser(hearth.url, app);
    await browser.open();
    const afterPassword = await browser.signIn("alice", PASSWORD);
    expect(afterPassword.status).toBe(200);
    expect(browser.asksForCode).toBe(true);
    // The password is not carried into the second page.
    expect(browser.html).not.toContain(PASSWORD);

    const wrong = await browser.giveCode(codeNow() === "123456" ? "654321" : "123456");
    expect(wrong.status).toBe(401);
    expect(alertOf(browser.html)).toMatch(/not the one your app shows now/);
    const expired = await browser.giveCode(codeNow(-3));
    expect(expired.status).toBe(401);

    const code = codeNow();
    const right = await browser.giveCode(code);
    expect(await canUse(hearth.url, await tokenFrom(hearth.url, app, right))).toBe(200);

    // The same code again, within its window, from a fresh sign-in: refused.
    const replay = new Browser(hearth.url, app);
    await replay.open();
    await replay.signIn("alice", PASSWORD);
    expect((await replay.giveCode(code)).status).toBe(401);
    // A step later the next code works (the refusal was the replay, not the browser).
    clock.advance(STEP_MS);
    expect((await replay.giveCode(codeNow())).status).toBe(302);
  });

  it("refuses a wrong password before asking for any code", async () => {
    const browser = new Browser(hearth.url, app);
    await browser.open();
    expect((await browser.signIn("alice", "wrong password here")).status).toBe(401);
    expect(browser.asksForCode).toBe(false);
  });

  it("takes a recovery code once", async () => {
    const recovery = recoveryCodes[0]!;
    const first = new Browser(hearth.url, app);
    await first.open();
    await first.signIn("alice", PASSWORD);
    expect(await canUse(hearth.url, await tokenFrom(hearth.url, app, await first.giveCode(recovery.toUpperCase())))).toBe(200);

    const second = new Browser(hearth.url, app);
    await second.open();
    await second.signIn("alice", PASSWORD);
    expect((await second.giveCode(recovery)).status).toBe(401);
    expect((await second.giveCode(recoveryCodes[1]!)).status).toBe(302);
    expect(await json<{ recovery_codes_left: number }>(await owner.request("/api/hearth/account/two_factor"))).toMatchObject({ recovery_codes_left: 8 });
  });

  it("a ticket is for the app it was given to", async () => {
    const other = await registerApp(hearth.url, "Other App");
    const browser = new Browser(hearth.url, app);
    await browser.open();
    await browser.signIn("alice", PASSWORD);
    const ticket = hiddenFields(browser.html).get("two_factor_ticket")!;
    clock.advance(STEP_MS);
    const form = new URLSearchParams({ response_type: "code", client_id: other.clientId, redirect_uri: REDIRECT, scope: "read", decision: "allow", two_factor_ticket: ticket, code: codeNow() });
    const answer = await fetch(`${hearth.url}/oauth/authorize`, { method: "POST", body: form, redirect: "manual" });
    expect(answer.status).toBe(401);
    // The same code on the ticket's own app: accepted.
    expect((await browser.giveCode(codeNow())).status).toBe(302);
  });

  it("turns two-factor off only with the password and a code", async () => {
    clock.advance(STEP_MS);
    const wrongCode = await owner.request("/api/hearth/account/two_factor/disable", jsonBody("POST", { password: PASSWORD, code: codeNow(-3) }));
    expect(wrongCode.status).toBe(422);
    const wrongPassword = await owner.request("/api/hearth/account/two_factor/disable", jsonBody("POST", { password: "not the password", code: codeNow() }));
    expect(wrongPassword.status).toBe(422);
    expect(await json<{ enabled: boolean }>(await owner.request("/api/hearth/account/two_factor"))).toMatchObject({ enabled: true });
    const off = await owner.request("/api/hearth/account/two_factor/disable", jsonBody("POST", { password: PASSWORD, code: codeNow() }));
    expect(off.status).toBe(200);
    const browser = new Browser(hearth.url, app);
    await browser.open();
    expect((await browser.signIn("alice", PASSWORD)).status).toBe(302);
  });
});
