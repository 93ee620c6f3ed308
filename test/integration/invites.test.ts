import { createRestAPIClient, type mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../server/core/clock.ts";
import { addLocalAccount, apiUser, errorOf, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

const PASSWORD = "a long enough password";

/** A clock the test can move forward: an invite's half hour passes in no time. */
function movableClock(): Clock & { advance(ms: number): void } {
  let offsetMs = 0;
  return { now: () => new Date(Date.now() + offsetMs), advance: (ms) => void (offsetMs += ms) };
}

interface InviteEntity {
  id: string;
  code: string;
  url: string;
  uses: number;
  max_uses: number | null;
  uses_left: number | null;
  expires_at: string | null;
  autofollow: boolean;
  comment: string;
  revoked_at: string | null;
  state: string;
}

describe("invite links: the owner hands them out, people and apps sign up with them", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let owner: ApiUser;
  let member: ApiUser;
  const clock = movableClock();

  beforeAll(async () => {
    // Many sign-ups from this one address: the per-address pace is not what this file is about.
    group = await startInstances([{ username: "ada", options: { clock, rateLimits: { signIn: { limit: 1_000, periodSeconds: 300 } } } }]);
    hearth = group.instances[0]!;
    owner = await apiUser(hearth.core, hearth.url, hearth.owner, ["read", "write", "follow"]);
    member = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "bea"), ["read", "write", "follow"]);
  });
  afterAll(async () => {
    await group?.close();
  });

  async function createInvite(body: Record<string, unknown>): Promise<InviteEntity> {
    const response = await owner.request("/api/hearth/invites", jsonBody("POST", body));
    expect(response.status).toBe(200);
    return (await response.json()) as InviteEntity;
  }

  async function listInvites(): Promise<InviteEntity[]> {
    const response = await owner.request("/api/hearth/invites");
    expect(response.status).toBe(200);
    return (await response.json()) as InviteEntity[];
  }

  async function revoke(id: string): Promise<void> {
    expect((await owner.request(`/api/hearth/invites/${id}`, { method: "DELETE" })).status).toBe(200);
  }

  /** The invite page's form, posted as a browser without JavaScript posts it. */
  function postForm(code: string, fields: Record<string, string>): Promise<Response> {
    return fetch(`${hearth.url}/invite/${code}`, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
  }

  async function localAccountCount(): Promise<number> {
    const row = await hearth.core.db.selectFrom("accounts").select((eb) => eb.fn.countAll<number>().as("n")).where("domain", "is", null).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function instanceSays(): Promise<{ invitesEnabled: boolean; registrations: boolean; v2Registrations: boolean }> {
    const v1 = (await (await fetch(`${hearth.url}/api/v1/instance`)).json()) as { invites_enabled: boolean; registrations: boolean };
    const v2 = (await (await fetch(`${hearth.url}/api/v2/instance`)).json()) as { registrations: { enabled: boolean } };
    return { invitesEnabled: v1.invites_enabled, registrations: v1.registrations, v2Registrations: v2.registrations.enabled };
  }

  it("tells apps the truth: invites_enabled only while an invite is usable, registrations always closed", async () => {
    expect(await instanceSays()).toEqual({ invitesEnabled: false, registrations: false, v2Registrations: false });
    const invite = await createInvite({ max_uses: 1, expires_in: "1d" });
    expect(await instanceSays()).toEqual({ invitesEnabled: true, registrations: false, v2Registrations: false });
    await revoke(invite.id);
    expect(await instanceSays()).toEqual({ invitesEnabled: false, registrations: false, v2Registrations: false });
  });

  it("lets the owner create, list and revoke invites, and refuses a member's token", async () => {
    const invite = await createInvite({ max_uses: 5, expires_in: "1d", comment: "for the cousins", autofollow: true });
    expect(invite).toMatchObject({ uses: 0, max_uses: 5, uses_left: 5, autofollow: true, comment: "for the cousins", state: "usable", revoked_at: null });
    expect(invite.code).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(invite.url).toBe(`${hearth.url}/invite/${invite.code}`);
    expect(Date.parse(invite.expires_at!) - clock.now().getTime()).toBeGreaterThan(23 * 3600_000);
    const unlimited = await createInvite({ max_uses: "unlimited", expires_in: "never" });
    expect(unlimited).toMatchObject({ max_uses: null, uses_left: null, expires_at: null });
    expect(unlimited.code).not.toBe(invite.code);
    expect((await listInvites()).map((row) => row.id)).toEqual(expect.arrayContaining([invite.id, unlimited.id]));

    // A choice Mastodon does not offer is refused with a sentence, and nothing is made.
    const before = (await listInvites()).length;
    const odd = await owner.request("/api/hearth/invites", jsonBody("POST", { max_uses: 7 }));
    expect(odd.status).toBe(422);
    expect(((await odd.json()) as { error: string }).error).toContain("1, 5, 10, 25, 50, 100");
    expect((await owner.request("/api/hearth/invites", jsonBody("POST", { expires_in: "2w" }))).status).toBe(422);
    expect((await listInvites()).length).toBe(before);

    // A member may not list, create or revoke; the owner's own requests above are the positive control.
    expect((await member.request("/api/hearth/invites")).status).toBe(403);
    expect((await member.request("/api/hearth/invites", jsonBody("POST", { max_uses: 1 }))).status).toBe(403);
    expect((await member.request(`/api/hearth/invites/${unlimited.id}`, { method: "DELETE" })).status).toBe(403);
    expect((await listInvites()).length).toBe(before);

    await revoke(unlimited.id);
    expect((await listInvites()).find((row) => row.id === unlimited.id)).toMatchObject({ state: "revoked" });
    await revoke(invite.id);
  });

  it("lets a masto 8 app sign up in-app with the invite code, then post", async () => {
    const invite = await createInvite({ max_uses: 1, expires_in: "1d" });
    // The link, asked for JSON, says where to sign up (Mastodon 4.3).
    const link = await fetch(invite.url, { headers: { Accept: "application/json" } });
    expect(link.status).toBe(200);
    const { invite_code, instance_api_url } = (await link.json()) as { invite_code: string; instance_api_url: string };
    expect(invite_code).toBe(invite.code);
    expect(instance_api_url).toBe(`${hearth.url}/api/v2/instance`);

    const anonymous = createRestAPIClient({ url: hearth.url });
    const app = await anonymous.v1.apps.create({ clientName: "Signup App", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write follow" });
    const tokenResponse = await fetch(`${hearth.url}/oauth/token`, jsonBody("POST", { grant_type: "client_credentials", client_id: app.clientId, client_secret: app.clientSecret, scope: "read write follow" }));
    const appToken = ((await tokenResponse.json()) as { access_token: string }).access_token;
    const asApp = createRestAPIClient({ url: hearth.url, accessToken: appToken });
    const params = { username: "cyd", email: "cyd@example.com", password: PASSWORD, agreement: true, locale: "en", inviteCode: invite_code };

    // Without a code, registrations are closed (403), and nothing is made: the positive control follows.
    const accountsBefore = await localAccountCount();
    const { inviteCode: _omitted, ...withoutCode } = params;
    expect((await errorOf(asApp.v1.accounts.create(withoutCode))).status).toBe(403);
    expect((await errorOf(anonymous.v1.accounts.create(params as mastodon.rest.v1.CreateAccountParams))).status).toBe(401);
    const refusals: Array<[Record<string, unknown>, number, string]> = [
      [{ password: "short" }, 422, "at least 8 characters"],
      [{ agreement: false }, 422, "Agreement must be accepted"],
      [{ username: "Ada" }, 422, "taken"],
      [{ username: "root" }, 422, "reserved"],
      [{ inviteCode: "NoSuchCode99" }, 403, "not known here"],
    ];
    for (const [change, status, sentence] of refusals) {
      const refused = await errorOf(asApp.v1.accounts.create({ ...params, ...change } as mastodon.rest.v1.CreateAccountParams));
      expect(refused.status, JSON.stringify(change)).toBe(status);
      expect(refused.message).toContain(sentence);
    }
    expect(await localAccountCount()).toBe(accountsBefore);
    expect((await fetch(`${hearth.url}/invite/NoSuchCode99`, { headers: { Accept: "application/json" } })).status).toBe(404);

    const token = await asApp.v1.accounts.create(params as mastodon.rest.v1.CreateAccountParams);
    expect(token.tokenType).toBe("Bearer");
    expect(token.scope).toBe("read write follow");
    const cyd = createRestAPIClient({ url: hearth.url, accessToken: token.accessToken });
    const me = await cyd.v1.accounts.verifyCredentials();
    expect(me.username).toBe("cyd");
    const status = await cyd.v1.statuses.create({ status: "Hello from the new member" });
    expect(status.account.id).toBe(me.id);
    expect((await owner.client.v1.accounts.$select(me.id).fetch()).acct).toBe("cyd");

    // Its one use is spent: the next app is refused, and the list says so.
    expect((await errorOf(asApp.v1.accounts.create({ ...params, username: "cyd2" } as mastodon.rest.v1.CreateAccountParams))).status).toBe(403);
    expect((await listInvites()).find((row) => row.id === invite.id)).toMatchObject({ uses: 1, uses_left: 0, state: "used_up" });
    const spent = await fetch(invite.url, { headers: { Accept: "application/json" } });
    expect(spent.status).toBe(401);
  });

  it("signs a person up from the page without JavaScript, and the new member follows the inviter when asked", async () => {
    const invite = await createInvite({ max_uses: 5, expires_in: "1h", autofollow: true });
    const page = await fetch(invite.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("invites you to Hearth");
    expect(html).toContain(`@ada@${hearth.host}`);
    expect(html).toContain(`<form method="post" action="/invite/${invite.code}">`);
    expect(html).not.toContain("<script");

    const done = await postForm(invite.code, { username: "dot", display_name: "Dot", password: PASSWORD, password_confirmation: PASSWORD });
    expect(done.status).toBe(201);
    const welcome = await done.text();
    expect(welcome).toContain(`@dot@${hearth.host}`);
    expect(welcome).toContain(hearth.host);

    const dot = await owner.client.v1.accounts.lookup({ acct: "dot" });
    expect(dot.displayName).toBe("Dot");
    const [relationship] = await owner.client.v1.accounts.relationships.fetch({ id: [dot.id] });
    expect(relationship?.followedBy).toBe(true);
    // A full local account: its actor is served with its keys.
    const actor = await fetch(`${hearth.url}/users/dot`, { headers: { Accept: "application/activity+json" } });
    expect(actor.status).toBe(200);
    expect(((await actor.json()) as { publicKey?: unknown }).publicKey).toBeDefined();
    const role = await hearth.core.db.selectFrom("local_users").select("role").where("account_id", "=", dot.id).executeTakeFirstOrThrow();
    expect(role.role).toBe("member");

    // Without autofollow, nobody is followed.
    const plain = await createInvite({ max_uses: 1, expires_in: "1h" });
    expect((await postForm(plain.code, { username: "eli", password: PASSWORD })).status).toBe(201);
    const eli = await owner.client.v1.accounts.lookup({ acct: "eli" });
    const [notFollowing] = await owner.client.v1.accounts.relationships.fetch({ id: [eli.id] });
    expect(notFollowing?.followedBy).toBe(false);
    await revoke(invite.id);
  });

  it("refuses taken and reserved usernames and weak passwords with a sentence each, making nothing", async () => {
    const invite = await createInvite({ max_uses: 10, expires_in: "1d" });
    const before = await localAccountCount();
    const refusals: Array<[Record<string, string>, string]> = [
      [{ username: "ada", password: PASSWORD }, "taken"],
      [{ username: "ADA", password: PASSWORD }, "taken"],
      [{ username: "Bea", password: PASSWORD }, "taken"],
      [{ username: "admin", password: PASSWORD }, "reserved"],
      [{ username: "Root", password: PASSWORD }, "reserved"],
      [{ username: "owner", password: PASSWORD }, "reserved"],
      // The instance's own names: its title, and its host's first label.
      [{ username: "hearth", password: PASSWORD }, "reserved"],
      [{ username: "127", password: PASSWORD }, "reserved"],
      [{ username: "fay", password: "short" }, "at least 8 characters"],
      [{ username: "fay", password: PASSWORD, password_confirmation: "another long password" }, "differ"],
      [{ username: "not a name!", password: PASSWORD }, "cannot be a username"],
    ];
    for (const [fields, sentence] of refusals) {
      const response = await postForm(invite.code, fields);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(await response.text()).toContain(sentence);
    }
    expect(await localAccountCount()).toBe(before);
    expect((await listInvites()).find((row) => row.id === invite.id)?.uses).toBe(0);
    // Positive control: the same invite, a free name and a good password.
    expect((await postForm(invite.code, { username: "fay", password: PASSWORD })).status).toBe(201);
    expect(await localAccountCount()).toBe(before + 1);
    expect((await listInvites()).find((row) => row.id === invite.id)?.uses).toBe(1);
    await revoke(invite.id);
  });

  it("refuses revoked, used-up, unknown and expired codes with a sentence each, making nothing", async () => {
    const revoked = await createInvite({ max_uses: 5, expires_in: "1d" });
    await revoke(revoked.id);
    const usedUp = await createInvite({ max_uses: 1, expires_in: "1d" });
    expect((await postForm(usedUp.code, { username: "gus", password: PASSWORD })).status).toBe(201);
    const expiring = await createInvite({ max_uses: 5, expires_in: "30m" });
    const before = await localAccountCount();

    const cases: Array<[string, string]> = [
      [revoked.code, "was revoked"],
      [usedUp.code, "used as many times as it allows"],
      ["NoSuchCode99", "not known here"],
    ];
    for (const [code, sentence] of cases) {
      const page = await fetch(`${hearth.url}/invite/${code}`);
      expect(page.status).toBe(403);
      expect(await page.text()).toContain(sentence);
      const posted = await postForm(code, { username: "hal", password: PASSWORD });
      expect(posted.status).toBe(403);
      expect(await posted.text()).toContain(sentence);
    }
    expect(await localAccountCount()).toBe(before);

    // The half-hour invite opens now (positive control), and not once the half hour has passed.
    expect((await fetch(expiring.url)).status).toBe(200);
    clock.advance(31 * 60_000);
    const late = await postForm(expiring.code, { username: "hal", password: PASSWORD });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain("has expired");
    expect(await localAccountCount()).toBe(before);
    expect((await listInvites()).find((row) => row.id === expiring.id)?.state).toBe("expired");
  });
});

describe("sign-ups are paced per address, as sign-ins are", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;

  beforeAll(async () => {
    group = await startInstances([{ username: "ada", options: { rateLimits: { signIn: { limit: 2, periodSeconds: 300 } } } }]);
    hearth = group.instances[0]!;
  });
  afterAll(async () => {
    await group?.close();
  });

  it("answers the page's form and the apps' sign-up with 429 and a sentence past the limit", async () => {
    const post = () => fetch(`${hearth.url}/invite/NoSuchCode99`, { method: "POST", body: new URLSearchParams({ username: "x", password: PASSWORD }) });
    // Within the limit the request is heard (and refused for its unknown code).
    expect((await post()).status).toBe(403);
    expect((await post()).status).toBe(403);
    const third = await post();
    expect(third.status).toBe(429);
    expect(await third.text()).toContain("Too many sign-ups from your address");
    const apps = async () => (await fetch(`${hearth.url}/api/v1/accounts`, jsonBody("POST", { username: "x" }))).status;
    expect(await apps()).toBe(401);
    expect(await apps()).toBe(401);
    expect(await apps()).toBe(429);
  });
});
