import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalAccount, apiUser, jsonBody, statusOf, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { waitFor } from "../helpers/wait-for.ts";

const REDIRECT = "hearthtest://oauth-callback";
const WEB_SCOPES = ["read", "write", "follow", "push"];

/** The consent form as a browser posts it: 302 when the password is right. */
async function signInStatus(url: string, username: string, password: string): Promise<number> {
  const app = await fetch(`${url}/api/v1/apps`, jsonBody("POST", { client_name: "Sign-in", redirect_uris: REDIRECT, scopes: "read" }));
  const { client_id } = (await app.json()) as { client_id: string };
  const form = new URLSearchParams({ response_type: "code", client_id, redirect_uri: REDIRECT, scope: "read", decision: "allow", username, password });
  return (await fetch(`${url}/oauth/authorize`, { method: "POST", body: form, redirect: "manual" })).status;
}

interface Member {
  account: { id: string; username: string };
  role: string;
  storage_bytes: number;
}

describe("the owner's Admin in the web client: members' storage and password resets", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let owner: ApiUser;
  let moderator: ApiUser;
  let milo: ApiUser;
  let nell: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }]);
    hearth = group.instances[0]!;
    owner = await apiUser(hearth.core, hearth.url, hearth.owner, WEB_SCOPES);
    moderator = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "maud", "moderator"), WEB_SCOPES);
    milo = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "milo"), WEB_SCOPES);
    nell = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "nell"), WEB_SCOPES);
  });
  afterAll(() => group?.close());

  it("lists each member's storage: the bytes of their uploads, nothing for one who uploaded none", async () => {
    const photo = new Uint8Array(await twoColours(64, 64).png().toBuffer());
    const upload = await milo.client.v2.media.create({ file: new Blob([photo], { type: "image/png" }) });
    await waitFor(async () => (await milo.client.v1.media.$select(upload.id).fetch()).url !== null, { what: "the upload is processed" });
    const answer = await owner.request("/api/hearth/members");
    expect(answer.status).toBe(200);
    const members = (await answer.json()) as Member[];
    const storage = Object.fromEntries(members.map((member) => [member.account.username, member.storage_bytes]));
    expect(storage.milo).toBeGreaterThan(0);
    expect(storage.nell).toBe(0);
    expect(Object.keys(storage).sort()).toEqual(["maud", "milo", "nell", "olive"]);
  });

  it("resets a member's password to one the owner types: the old one and the member's sessions stop, another member's go on", async () => {
    expect((await milo.client.v1.accounts.verifyCredentials()).username).toBe("milo");
    const answer = await owner.request(`/api/hearth/members/${milo.account.id}/password`, jsonBody("POST", { password: "a new family password" }));
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { signed_out_sessions: number; password?: string };
    expect(body.signed_out_sessions).toBe(1);
    expect(body.password).toBeUndefined();
    expect(await statusOf(milo.client.v1.accounts.verifyCredentials())).toBe(401);
    expect(await signInStatus(hearth.url, "milo", "correct horse battery staple")).not.toBe(302);
    expect(await signInStatus(hearth.url, "milo", "a new family password")).toBe(302);
    // The positive control: nell, untouched, keeps her token and her password.
    expect((await nell.client.v1.accounts.verifyCredentials()).username).toBe("nell");
    expect(await signInStatus(hearth.url, "nell", "correct horse battery staple")).toBe(302);
  });

  it("makes a password when none is typed, and answers it once", async () => {
    const answer = await owner.request(`/api/hearth/members/${nell.account.id}/password`, jsonBody("POST", {}));
    expect(answer.status).toBe(200);
    const { password } = (await answer.json()) as { password: string };
    expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await signInStatus(hearth.url, "nell", password)).toBe(302);
  });

  it("refuses a weak password, the owner's own, a moderator and a member, changing nothing", async () => {
    const weak = await owner.request(`/api/hearth/members/${milo.account.id}/password`, jsonBody("POST", { password: "short" }));
    expect(weak.status).toBe(422);
    expect(((await weak.json()) as { error: string }).error).toMatch(/too short/);
    const own = await owner.request(`/api/hearth/members/${owner.account.id}/password`, jsonBody("POST", { password: "another long password" }));
    expect(own.status).toBe(422);
    // Milo's earlier token went with the reset: he signs in again.
    milo = await apiUser(hearth.core, hearth.url, milo.account, WEB_SCOPES);
    for (const user of [moderator, milo]) {
      const refused = await user.request(`/api/hearth/members/${milo.account.id}/password`, jsonBody("POST", { password: "taken over now" }));
      expect(refused.status).toBe(403);
    }
    // Milo's password is still the one the owner set.
    expect(await signInStatus(hearth.url, "milo", "a new family password")).toBe(302);
    expect(await signInStatus(hearth.url, "milo", "taken over now")).not.toBe(302);
  });

  it("gives the web client's read/write token the admin accounts and reports under /api/hearth/admin, staff only", async () => {
    // The web client's token has no admin scopes: Mastodon's own paths refuse it, Hearth's answer the staff.
    expect((await owner.request("/api/v1/admin/accounts")).status).toBe(403);
    const listed = await owner.request("/api/hearth/admin/accounts?local=true&username=mi");
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as Array<{ username: string }>).map((account) => account.username)).toEqual(["milo"]);
    expect((await moderator.request("/api/hearth/admin/reports")).status).toBe(200);
    nell = await apiUser(hearth.core, hearth.url, nell.account, WEB_SCOPES);
    expect((await nell.request("/api/hearth/admin/accounts")).status).toBe(403);
    expect((await nell.request("/api/hearth/admin/reports")).status).toBe(403);
    const suspend = await moderator.request(`/api/hearth/admin/accounts/${milo.account.id}/action`, jsonBody("POST", { type: "suspend" }));
    expect(suspend.status).toBe(200);
    const byNell = await nell.request(`/api/hearth/admin/accounts/${milo.account.id}/unsuspend`, jsonBody("POST", {}));
    expect(byNell.status).toBe(403);
    const shown = (await (await owner.request(`/api/hearth/admin/accounts/${milo.account.id}`)).json()) as { suspended: boolean };
    expect(shown.suspended).toBe(true);
  });
});
