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

describe("the code step is limited like the password", () => {
  const clock = movableClock();
  let group: InstanceGroup;
  let hearth: TestInstance;
  let app: RegisteredApp;
  let secret = "";
  const codeNow = () => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: clock.now().getTime() });

  beforeAll(async () => {
    const rateLimits: Partial<RateLimits> = { signIn: { limit: 1000, periodSeconds: 300 }, signInAccount: { limit: 3, periodSeconds: 900 } };
    group = await startInstances([{ username: "alice", options: { clock, rateLimits } }]);
    hearth = group.instances[0]!;
    const owner = await apiUser(hearth.core, hearth.url, hearth.owner, ["read", "write"]);
    app = await registerApp(hearth.url, "Phone App");
    secret = (await json<{ secret: string }>(await owner.request("/api/hearth/account/two_factor/setup", jsonBody("POST", { password: PASSWORD })))).secret;
    expect((await owner.request("/api/hearth/account/two_factor/confirm", jsonBody("POST", { code: codeNow() }))).status).toBe(200);
    clock.advance(STEP_MS);
  });
  afterAll(() => group?.close());

  it("pauses the account after as many wrong codes as wrong passwords, the right code included", async () => {
    const browser = new Browser(hearth.url, app);
    await browser.open();
    await browser.signIn("alice", PASSWORD);
    const wrong = codeNow() === "000000" ? "111111" : "000000";
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await browser.giveCode(wrong)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const locked = await browser.giveCode(codeNow());
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(alertOf(browser.html)).toMatch(/Too many wrong passwords or codes/);
    // Once the window has passed, the same right code's step is still unused: it signs in.
    clock.advance(15 * 60 * 1000);
    const later = new Browser(hearth.url, app);
    await later.open();
    await later.signIn("alice", PASSWORD);
    expect((await later.giveCode(codeNow())).status).toBe(302);
  });
});

describe("password change and authorised apps", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let app: RegisteredApp;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice", options: { rateLimits: roomyLimits } }]);
    hearth = group.instances[0]!;
    app = await registerApp(hearth.url, "Phone App");
  });
  afterAll(() => group?.close());

  async function signedInToken(username: string, password: string): Promise<string> {
    const browser = new Browser(hearth.url, app);
    await browser.open();
    return tokenFrom(hearth.url, app, await browser.signIn(username, password));
  }

  it("changes a member's password: the current one first, the sign-up rules, and every other session signed out", async () => {
    const milo = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "milo"), ["read", "write"]);
    const phone = await signedInToken("milo", PASSWORD);
    const change = (body: Record<string, string>) => milo.request("/api/hearth/account/password", jsonBody("POST", body));

    const refusals = [
      [{ password: "a new long password" }, /current password/],
      [{ current_password: "not my password", password: "a new long password" }, /current password is not that/],
      [{ current_password: PASSWORD, password: "short" }, /too short/],
      [{ current_password: PASSWORD, password: "a new long password", password_confirmation: "another one" }, /differ/],
      [{ current_password: PASSWORD, password: PASSWORD }, /the one you have now/],
    ] as const;
    for (const [body, sentence] of refusals) {
      const answer = await change(body);
      expect(answer.status).toBe(422);
      expect((await json<{ error: string }>(answer)).error).toMatch(sentence);
    }
    // Nothing was changed by any of them: the other session still works.
    expect(await canUse(hearth.url, phone)).toBe(200);

    const changed = await change({ current_password: PASSWORD, password: "a new long password", password_confirmation: "a new long password" });
    expect(changed.status).toBe(200);
    expect(await json<{ signed_out_sessions: number }>(changed)).toEqual({ signed_out_sessions: 1 });
    expect(await canUse(hearth.url, milo.token)).toBe(200);
    expect(await canUse(hearth.url, phone)).toBe(401);

    const oldPassword = new Browser(hearth.url, app);
    await oldPassword.open();
    expect((await oldPassword.signIn("milo", PASSWORD)).status).toBe(401);
    expect(await canUse(hearth.url, await signedInToken("milo", "a new long password"))).toBe(200);
  });

  it("lists the apps signed in, one line per app, and revoking one kills all its tokens for this account only", async () => {
    const owner = await apiUser(hearth.core, hearth.url, hearth.owner, ["read", "write"]);
    const first = await signedInToken("alice", PASSWORD);
    const second = await signedInToken("alice", PASSWORD);
    await addLocalAccount(hearth.core, "nell");
    const nellsPhone = await signedInToken("nell", PASSWORD);

    const listed = await json<Array<{ id: string; name: string; website: string | null; scopes: string[]; sessions: number; current: boolean; created_at: string }>>(
      await owner.request("/api/hearth/account/sessions"),
    );
    const phone = listed.find((entry) => entry.name === "Phone App");
    expect(phone).toMatchObject({ id: app.id, website: "https://app.example", sessions: 2, current: false });
    expect(phone?.scopes).toEqual(["read", "write"]);
    expect(listed.find((entry) => entry.current)?.name).toBe("Hearth command line");

    // Someone else's app id, or none: nothing to revoke here.
    const nellsOnly = await registerApp(hearth.url, "Nell's only");
    expect((await owner.request(`/api/hearth/account/sessions/${nellsOnly.id}`, { method: "DELETE" })).status).toBe(404);

    const revoked = await owner.request(`/api/hearth/account/sessions/${app.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(await json<{ signed_out_sessions: number; current: boolean }>(revoked)).toEqual({ signed_out_sessions: 2, current: false });
    expect(await canUse(hearth.url, first)).toBe(401);
    expect(await canUse(hearth.url, second)).toBe(401);
    expect(await canUse(hearth.url, owner.token)).toBe(200);
    expect(await canUse(hearth.url, nellsPhone)).toBe(200);
    const after = await json<Array<{ name: string }>>(await owner.request("/api/hearth/account/sessions"));
    expect(after.map((entry) => entry.name)).not.toContain("Phone App");
  });

  it("revoking the app one asks with signs that session out too, and says so", async () => {
    const rose = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "rose"), ["read", "write"]);
    const ownersCliToken = (await issueCliToken(hearth.core, hearth.owner.id, ["read"])).token;
    const listed = await json<Array<{ id: string; current: boolean }>>(await rose.request("/api/hearth/account/sessions"));
    const current = listed.find((entry) => entry.current)!;
    const answer = await rose.request(`/api/hearth/account/sessions/${current.id}`, { method: "DELETE" });
    expect(await json<{ current: boolean }>(answer)).toMatchObject({ current: true });
    expect(await canUse(hearth.url, rose.token)).toBe(401);
    // The same app's token for another account stays.
    expect(await canUse(hearth.url, ownersCliToken)).toBe(200);
  });
});
