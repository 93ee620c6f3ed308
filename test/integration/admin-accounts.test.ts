import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalAccount, apiUser, jsonBody, statusOf, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

const PASSWORD = "correct horse battery staple";
const REDIRECT = "hearthtest://oauth-callback";
const SCOPES = ["read", "write", "follow", "admin:read", "admin:write"];

interface AdminAccount {
  id: string;
  username: string;
  suspended: boolean;
  role: { name: string } | null;
}

/** GET /api/v2/admin/accounts, which masto 8 does not have. */
async function v2Accounts(user: ApiUser, query: Record<string, string> = {}): Promise<AdminAccount[]> {
  const answer = await user.request(`/api/v2/admin/accounts?${new URLSearchParams(query).toString()}`);
  if (answer.status !== 200) throw Object.assign(new Error(`GET /api/v2/admin/accounts: ${answer.status}`), { statusCode: answer.status });
  return (await answer.json()) as AdminAccount[];
}

/** DELETE /api/v1/admin/accounts/:id (not in masto 8): its status and body. */
async function deleteAccount(user: ApiUser, id: string): Promise<{ status: number; body: unknown }> {
  const answer = await user.request(`/api/v1/admin/accounts/${id}`, { method: "DELETE" });
  return { status: answer.status, body: await answer.json() };
}

/** The consent form as a browser posts it. */
async function signInStatus(url: string, username: string): Promise<{ status: number; text: string }> {
  const app = await fetch(`${url}/api/v1/apps`, jsonBody("POST", { client_name: "Sign-in", redirect_uris: REDIRECT, scopes: "read" }));
  const { client_id } = (await app.json()) as { client_id: string };
  const form = new URLSearchParams({ response_type: "code", client_id, redirect_uri: REDIRECT, scope: "read", decision: "allow", username, password: PASSWORD });
  const answer = await fetch(`${url}/oauth/authorize`, { method: "POST", body: form, redirect: "manual" });
  return { status: answer.status, text: await answer.text() };
}

describe("the owner and moderators moderate accounts through Mastodon's admin API", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let owner: ApiUser;
  let moderator: ApiUser;
  let milo: ApiUser;
  let nell: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }]);
    hearth = group.instances[0]!;
    owner = await apiUser(hearth.core, hearth.url, hearth.owner, SCOPES);
    moderator = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "maud", "moderator"), SCOPES);
    milo = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "milo"), SCOPES);
    nell = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "nell"), SCOPES);
  });
  afterAll(() => group?.close());

  it("lists accounts by v2 filters, with roles, and shows one", async () => {
    const local = await v2Accounts(owner, { origin: "local" });
    expect(local.map((account) => account.username).sort()).toEqual(["maud", "milo", "nell", "olive"]);
    const staff = await v2Accounts(owner, { permissions: "staff" });
    expect(staff.map((account) => [account.username, account.role?.name]).sort()).toEqual([
      ["maud", "Moderator"],
      ["olive", "Owner"],
    ]);
    const byName = await v2Accounts(moderator, { username: "MI" });
    expect(byName.map((account) => account.username)).toEqual(["milo"]);
    expect(await v2Accounts(owner, { origin: "remote" })).toEqual([]);
    const one = await owner.client.v1.admin.accounts.$select(milo.account.id).fetch();
    expect(one).toMatchObject({ username: "milo", domain: null, suspended: false, silenced: false, disabled: false, confirmed: true, approved: true });
    // A member sees none of it.
    expect(await statusOf(v2Accounts(milo))).toBe(403);
  });

  it("suspends a member: their sign-in is refused and their token stops working, another member's does not", async () => {
    expect((await milo.client.v1.accounts.verifyCredentials()).username).toBe("milo");
    expect((await signInStatus(hearth.url, "milo")).status).toBe(302);

    await moderator.client.v1.admin.accounts.$select(milo.account.id).action.create({ type: "suspend" });

    expect(await statusOf(milo.client.v1.accounts.verifyCredentials())).toBe(401);
    const refused = await signInStatus(hearth.url, "milo");
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("This account is suspended: it cannot sign in.");
    // The positive control: nell, untouched, still signs in and her token still works.
    expect((await nell.client.v1.accounts.verifyCredentials()).username).toBe("nell");
    expect((await signInStatus(hearth.url, "nell")).status).toBe(302);

    const shown = await owner.client.v1.admin.accounts.$select(milo.account.id).fetch();
    expect(shown.suspended).toBe(true);
    expect((await v2Accounts(owner, { status: "suspended" })).map((account) => account.username)).toEqual(["milo"]);
    // Mastodon's Account entity says so too.
    expect((await nell.client.v1.accounts.$select(milo.account.id).fetch()).suspended).toBe(true);
  });

  it("hides a suspended member's statuses, and shows them again once unsuspended", async () => {
    const post = await nell.client.v1.statuses.create({ status: "Soon to be hidden", visibility: "public" });
    const local = async () => (await owner.client.v1.timelines.public.list({ local: true })).map((status) => status.id);
    expect(await local()).toContain(post.id);
    await owner.client.v1.admin.accounts.$select(nell.account.id).action.create({ type: "suspend" });
    expect(await local()).not.toContain(post.id);
    expect(await statusOf(owner.client.v1.statuses.$select(post.id).fetch())).toBe(404);
    await owner.client.v1.admin.accounts.$select(nell.account.id).unsuspend();
    expect(await local()).toContain(post.id);
  });

  it("disables sign-in, and enable gives it back (new sign-ins work again)", async () => {
    await owner.client.v1.admin.accounts.$select(nell.account.id).action.create({ type: "disable" });
    const refused = await signInStatus(hearth.url, "nell");
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("Your login is currently disabled.");
    expect((await owner.client.v1.admin.accounts.$select(nell.account.id).enable()).disabled).toBe(false);
    expect((await signInStatus(hearth.url, "nell")).status).toBe(302);
  });

  it("silences: a limited account's public posts leave the public timeline of those who do not follow it", async () => {
    // Her suspension above revoked her tokens: she signs in again.
    nell = await apiUser(hearth.core, hearth.url, nell.account, SCOPES);
    const post = await nell.client.v1.statuses.create({ status: "Quiet now", visibility: "public" });
    await owner.client.v1.admin.accounts.$select(nell.account.id).action.create({ type: "silence" });
    const seenBy = async (user: ApiUser) => (await user.client.v1.timelines.public.list({ local: true })).map((status) => status.id);
    expect(await seenBy(moderator)).not.toContain(post.id);
    await moderator.client.v1.accounts.$select(nell.account.id).follow();
    expect(await seenBy(moderator)).toContain(post.id);
    expect((await owner.client.v1.admin.accounts.$select(nell.account.id).unsilence()).silenced).toBe(false);
    expect(await seenBy(owner)).toContain(post.id);
  });

  it("refuses what Mastodon refuses: the owner is not moderated, approve needs a pending account, delete needs a suspension", async () => {
    expect(await statusOf(moderator.client.v1.admin.accounts.$select(owner.account.id).action.create({ type: "suspend" }))).toBe(403);
    expect(await statusOf(owner.client.v1.admin.accounts.$select(nell.account.id).approve())).toBe(403);
    expect((await deleteAccount(owner, nell.account.id)).status).toBe(403);
    expect((await deleteAccount(owner, owner.account.id)).status).toBe(403);
    // A moderator may suspend but not delete: deleting is the owner's.
    expect((await deleteAccount(moderator, milo.account.id)).status).toBe(403);
    // Positive control: the owner deletes the suspended member.
    const deleted = await deleteAccount(owner, milo.account.id);
    expect(deleted).toMatchObject({ status: 200, body: { username: "milo", suspended: true } });
    expect((await fetch(`${hearth.url}/users/milo`, { headers: { Accept: "application/activity+json" } })).status).toBe(410);
    expect((await fetch(`${hearth.url}/users/nell`, { headers: { Accept: "application/activity+json" } })).status).toBe(200);
  });
});

describe("the report queue: members' reports, resolved with an action", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let owner: ApiUser;
  let moderator: ApiUser;
  let milo: ApiUser;
  let nell: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }]);
    hearth = group.instances[0]!;
    owner = await apiUser(hearth.core, hearth.url, hearth.owner, SCOPES);
    moderator = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "maud", "moderator"), SCOPES);
    milo = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "milo"), SCOPES);
    nell = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "nell"), SCOPES);
  });
  afterAll(() => group?.close());

  it("lists a member's report with its status, assigns, recategorises, acts with report_id, and reopens", async () => {
    const rude = await milo.client.v1.statuses.create({ status: "Something rude", visibility: "public" });
    const filed = await nell.client.v1.reports.create({ accountId: milo.account.id, statusIds: [rude.id], comment: "rude" });

    const queue = await moderator.client.v1.admin.reports.list();
    expect(queue.map((report) => report.id)).toEqual([filed.id]);
    expect(queue[0]).toMatchObject({
      actionTaken: false,
      comment: "rude",
      account: { username: "nell" },
      targetAccount: { username: "milo" },
      assignedAccount: null,
      statuses: [{ id: rude.id }],
    });
    expect(await statusOf((async () => await milo.client.v1.admin.reports.list())())).toBe(403);

    const assigned = await moderator.client.v1.admin.reports.$select(filed.id).assignToSelf();
    expect(assigned.assignedAccount?.username).toBe("maud");
    const spam = await moderator.request(`/api/v1/admin/reports/${filed.id}`, jsonBody("PUT", { category: "spam" }));
    expect(((await spam.json()) as { category: string }).category).toBe("spam");
    const nonsense = await moderator.request(`/api/v1/admin/reports/${filed.id}`, jsonBody("PUT", { category: "nonsense" }));
    expect(nonsense.status).toBe(422);

    await moderator.client.v1.admin.accounts.$select(milo.account.id).action.create({ type: "silence", reportId: filed.id });
    const resolved = await owner.client.v1.admin.reports.$select(filed.id).fetch();
    expect(resolved).toMatchObject({ actionTaken: true, actionTakenByAccount: { username: "maud" }, targetAccount: { silenced: true } });
    expect(await moderator.client.v1.admin.reports.list()).toEqual([]);
    expect((await moderator.client.v1.admin.reports.list({ resolved: true })).map((report) => report.id)).toEqual([filed.id]);

    const reopened = await owner.client.v1.admin.reports.$select(filed.id).reopen();
    expect(reopened.actionTaken).toBe(false);
    expect((await owner.client.v1.admin.reports.$select(filed.id).unassign()).assignedAccount).toBeNull();
    expect((await owner.client.v1.admin.reports.$select(filed.id).resolve()).actionTaken).toBe(true);
  });
});

describe("a member deletes their own account, and a follower's server hears Delete(Person)", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let away: TestInstance;
  let milo: ApiUser;
  let bob: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }, { username: "bob" }]);
    [home, away] = group.instances as [TestInstance, TestInstance];
    milo = await apiUser(home.core, home.url, await addLocalAccount(home.core, "milo"), SCOPES);
    bob = await apiUser(away.core, away.url, away.owner, SCOPES);
  });
  afterAll(() => group?.close());

  it("refuses a wrong password and the owner, then deletes: the actor answers 410 and the follower's server forgets it", async () => {
    const miloHandle = `milo@${home.host}`;
    const found = await bob.client.v2.search.list({ q: `@${miloHandle}`, resolve: true, type: "accounts" });
    const miloOnAway = found.accounts[0]!;
    await bob.client.v1.accounts.$select(miloOnAway.id).follow();
    await waitFor(async () => (await milo.client.v1.accounts.verifyCredentials()).followersCount === 1, { what: "bob's follow to reach milo" });

    const wrong = await milo.request("/api/hearth/account/delete", jsonBody("POST", { password: "not it" }));
    expect(wrong.status).toBe(403);
    const ownerUser = await apiUser(home.core, home.url, home.owner, SCOPES);
    const ownerTry = await ownerUser.request("/api/hearth/account/delete", jsonBody("POST", { password: PASSWORD }));
    expect(ownerTry.status).toBe(403);
    expect((await milo.client.v1.accounts.verifyCredentials()).username).toBe("milo");

    const deleted = await milo.request("/api/hearth/account/delete", jsonBody("POST", { password: PASSWORD }));
    expect(deleted.status).toBe(200);
    expect((await fetch(`${home.url}/users/milo`, { headers: { Accept: "application/activity+json" } })).status).toBe(410);
    expect(await statusOf(milo.client.v1.accounts.verifyCredentials())).toBe(401);
    // bob's server heard the Delete(Person) and forgot milo.
    await waitFor(async () => (await statusOf(bob.client.v1.accounts.$select(miloOnAway.id).fetch())) === 404, { what: "milo to be forgotten on bob's server", timeoutMs: 20_000 });
    // The name stays taken: no one else signs up as milo.
    expect((await v2Accounts(ownerUser, { username: "milo" })).map((account) => account.suspended)).toEqual([true]);
  });
});
