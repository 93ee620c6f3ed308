import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleMay } from "../../server/core/accounts/roles.ts";
import { apiRoutePermissions, apiRouteTable, type ApiDependencies } from "../../server/api/routes.ts";
import type { TunnelControl } from "../../server/tunnel/status.ts";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

const ALL_SCOPES = ["read", "write", "follow", "push", "admin:read", "admin:write"];

interface GuardedEndpoint {
  method: string;
  path: string;
  permission: string;
}

/**
 * Every endpoint of every guarded line of the route table, read from the table itself: a new owner route
 * added to it is in this list without anyone remembering to add it. Path parameters get a made-up id.
 */
function guardedEndpoints(hearth: TestInstance): GuardedEndpoint[] {
  // Only the guarded lines are built, and only their paths read: what they would call is never called here.
  const deps = { core: hearth.core, origin: () => hearth.url, dataDir: hearth.dataDir, tunnel: {} as TunnelControl } as ApiDependencies;
  const seen = new Set<string>();
  const endpoints: GuardedEndpoint[] = [];
  for (const line of apiRouteTable(deps, (_path, permission) => permission !== undefined)) {
    for (const route of line.routes.routes) {
      if (route.method === "ALL") continue;
      const path = `${line.path}${route.path === "/" ? "" : route.path.replace(/:[a-z_]+/g, "1")}`;
      const key = `${route.method} ${path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (line.permission) endpoints.push({ method: route.method, path, permission: line.permission });
    }
  }
  return endpoints;
}

function call(user: ApiUser, endpoint: GuardedEndpoint): Promise<Response> {
  return endpoint.method === "GET" ? user.request(endpoint.path) : user.request(endpoint.path, jsonBody(endpoint.method, {}));
}

describe("who may do what: the owner's endpoints", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let owner: ApiUser;
  let member: ApiUser;
  let moderator: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }]);
    hearth = group.instances[0]!;
    owner = await apiUser(hearth.core, hearth.url, hearth.owner, ALL_SCOPES);
    member = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "milo"), ALL_SCOPES);
    moderator = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "maud", "moderator"), ALL_SCOPES);
  });
  afterAll(() => group?.close());

  it("guards every line of Hearth's own API but the setup wizard", () => {
    const unguarded = apiRoutePermissions()
      .filter((line) => line.path.startsWith("/api/hearth/") && line.path !== "/api/hearth/setup" && !line.permission)
      .map((line) => line.path);
    expect(unguarded).toEqual([]);
  });

  it("answers a member's token with 403 on every owner endpoint, and the owner's with something else", async () => {
    const endpoints = guardedEndpoints(hearth);
    // The lines there are today, so the enumeration itself cannot come back empty and pass.
    for (const path of ["/api/hearth/info", "/api/hearth/sign_in_failures", "/api/hearth/tunnel", "/api/hearth/members"]) {
      expect(endpoints.some((endpoint) => endpoint.path === path)).toBe(true);
    }
    const refusedMember: string[] = [];
    const refusedOwner: string[] = [];
    const moderatorWrong: string[] = [];
    for (const endpoint of endpoints) {
      const name = `${endpoint.method} ${endpoint.path}`;
      const memberAnswer = await call(member, endpoint);
      if (memberAnswer.status !== 403) refusedMember.push(`${name}: ${memberAnswer.status}`);
      else expect(((await memberAnswer.json()) as { error: string }).error).toMatch(/^Only the owner/);
      const moderatorAnswer = await call(moderator, endpoint);
      const moderatorMay = roleMay("moderator", endpoint.permission as Parameters<typeof roleMay>[1]);
      if ((moderatorAnswer.status === 403) === moderatorMay) moderatorWrong.push(`${name}: ${moderatorAnswer.status}`);
      const ownerAnswer = await call(owner, endpoint);
      if (ownerAnswer.status === 403 || ownerAnswer.status === 401) refusedOwner.push(`${name}: ${ownerAnswer.status}`);
    }
    expect(refusedMember).toEqual([]);
    expect(moderatorWrong).toEqual([]);
    expect(refusedOwner).toEqual([]);
  });

  it("refuses without a token (401), as before any role is asked", async () => {
    expect((await fetch(`${hearth.url}/api/hearth/info`)).status).toBe(401);
    expect((await fetch(`${hearth.url}/api/hearth/members`)).status).toBe(401);
  });
});

describe("the owner changes a member's role", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let owner: ApiUser;
  let member: ApiUser;
  let other: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }]);
    hearth = group.instances[0]!;
    owner = await apiUser(hearth.core, hearth.url, hearth.owner, ALL_SCOPES);
    member = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "milo"), ALL_SCOPES);
    other = await apiUser(hearth.core, hearth.url, await addLocalAccount(hearth.core, "nell"), ALL_SCOPES);
  });
  afterAll(() => group?.close());

  const roleOf = async (user: ApiUser) => (await user.client.v1.accounts.verifyCredentials()).role?.name;

  it("makes a member a moderator, who then hears of reports and may not change roles", async () => {
    expect(await roleOf(member)).toBe("");
    const response = await owner.request(`/api/hearth/members/${member.account.id}/role`, jsonBody("PUT", { role: "moderator" }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { role: string }).role).toBe("moderator");
    expect(await roleOf(member)).toBe("Moderator");

    const listed = (await (await owner.request("/api/hearth/members")).json()) as Array<{ account: { username: string }; role: string }>;
    expect(listed.map((row) => [row.account.username, row.role])).toEqual([
      ["olive", "owner"],
      ["milo", "moderator"],
      ["nell", "member"],
    ]);

    // A report by nell reaches the owner and the new moderator alike.
    const remoteless = await other.client.v1.reports.create({ accountId: owner.account.id, comment: "test" });
    expect(remoteless.id).toBeTruthy();
    const reportsHeard = async (user: ApiUser) => (await user.client.v1.notifications.list({ types: ["admin.report"] })).length;
    expect(await reportsHeard(member)).toBe(1);
    expect(await reportsHeard(owner)).toBe(1);

    // The moderator may not give roles: only the owner may.
    const byModerator = await member.request(`/api/hearth/members/${other.account.id}/role`, jsonBody("PUT", { role: "moderator" }));
    expect(byModerator.status).toBe(403);
    expect(await roleOf(other)).toBe("");
  });

  it("takes the role back, and refuses what would make a second owner or unmake the first", async () => {
    const back = await owner.request(`/api/hearth/members/${member.account.id}/role`, jsonBody("PUT", { role: "member" }));
    expect(back.status).toBe(200);
    expect(await roleOf(member)).toBe("");

    const toOwner = await owner.request(`/api/hearth/members/${member.account.id}/role`, jsonBody("PUT", { role: "owner" }));
    expect(toOwner.status).toBe(422);
    const ownerDown = await owner.request(`/api/hearth/members/${owner.account.id}/role`, jsonBody("PUT", { role: "member" }));
    expect(ownerDown.status).toBe(422);
    expect(await roleOf(owner)).toBe("Owner");
    const nobody = await owner.request(`/api/hearth/members/999999/role`, jsonBody("PUT", { role: "moderator" }));
    expect(nobody.status).toBe(404);
    const noRole = await owner.request(`/api/hearth/members/${member.account.id}/role`, jsonBody("PUT", { role: "king" }));
    expect(noRole.status).toBe(422);
    expect(await roleOf(member)).toBe("");
  });
});
