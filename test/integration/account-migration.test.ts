import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAccountByUri } from "../../server/core/accounts/remote-accounts.ts";
import { followAccount, getFollow } from "../../server/core/relationships/follows.ts";
import type { AccountRow } from "../../server/core/rows.ts";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { accountOn, drained, follow } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

const PASSWORD = "correct horse battery staple";
const AP = { Accept: "application/activity+json" };

async function actorDocument(instance: TestInstance): Promise<Record<string, unknown>> {
  const response = await fetch(instance.actorUri, { headers: AP });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function answer(response: Promise<Response>): Promise<{ status: number; body: Record<string, unknown> }> {
  const settled = await response;
  return { status: settled.status, body: (await settled.json()) as Record<string, unknown> };
}

function aliasesOn(row: AccountRow | undefined): unknown {
  return row ? JSON.parse(row.also_known_as_json) : undefined;
}

/**
 * olive (instance 1) moves to nina (instance 2). pete (instance 3) and lou (olive's own instance) follow olive
 * and end up following nina. nina lists olive first (moving in), which olive's server hears at once.
 */
describe("account migration between two Hearth instances, both ways", () => {
  let group: InstanceGroup;
  let olive: TestInstance;
  let nina: TestInstance;
  let pete: TestInstance;
  let oliveApi: ApiUser;
  let ninaApi: ApiUser;
  let lou: AccountRow;
  let nico: AccountRow;
  /** A post olive wrote before moving, which she then tries to boost and favourite. */
  let keptStatusId: string;

  const move = (body: Record<string, unknown>) => answer(oliveApi.request("/api/v1/accounts/move", jsonBody("POST", body)));
  const post = (text: string) => oliveApi.request("/api/v1/statuses", jsonBody("POST", { status: text }));

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }, { username: "nina" }, { username: "pete" }]);
    [olive, nina, pete] = group.instances as [TestInstance, TestInstance, TestInstance];
    oliveApi = await apiUser(olive.core, olive.url, olive.owner);
    ninaApi = await apiUser(nina.core, nina.url, nina.owner);
    await follow(pete, olive);
    lou = await addLocalAccount(olive.core, "lou");
    await followAccount(olive.core, lou.id, olive.owner.id, { origin: olive.url });
    // nico lives beside nina: the Move reaches his server, where the target is a local account.
    nico = await addLocalAccount(nina.core, "nico");
    const oliveOnNina = await accountOn(nina, olive);
    await followAccount(nina.core, nico.id, oliveOnNina.id, { origin: nina.url });
    await waitFor(async () => (await getFollow(nina.core, nico.id, oliveOnNina.id))?.state === "accepted", { what: "nico to follow olive" });
    // olive's server knows nina already; a stranger's Update is never stored, so this is what lets it see the alias.
    await accountOn(olive, nina);
  });
  afterAll(() => group?.close());

  it("aliases: an address no actor answers, and more than 20, are refused and change nothing", async () => {
    const nobody = await answer(ninaApi.request("/api/v1/accounts/alias", jsonBody("POST", { also_known_as_uris: [`@nobody@${olive.host}`] })));
    expect(nobody.status, JSON.stringify(nobody.body)).toBe(422);
    expect(nobody.body.error).toContain("No account answers");
    const many = Array.from({ length: 21 }, (_, index) => `https://example.invalid/users/u${index}`);
    const tooMany = await answer(ninaApi.request("/api/v1/accounts/alias", jsonBody("POST", { also_known_as_uris: many })));
    expect(tooMany.status, JSON.stringify(tooMany.body)).toBe(422);
    expect(tooMany.body.error).toContain("at most 20");
    expect((await actorDocument(nina)).alsoKnownAs).toBeUndefined();
  });

  it("nina lists olive as an alias: the actor document says so, and olive's server hears the Update at once", async () => {
    const aliased = await answer(ninaApi.request("/api/v1/accounts/alias", jsonBody("POST", { also_known_as_uris: [`@olive@${olive.host}`] })));
    expect(aliased.status, JSON.stringify(aliased.body)).toBe(200);
    expect((aliased.body.source as Record<string, unknown>).also_known_as_uris).toEqual([olive.actorUri]);
    const verified = await answer(ninaApi.request("/api/v1/accounts/verify_credentials"));
    expect((verified.body.source as Record<string, unknown>).also_known_as_uris).toEqual([olive.actorUri]);
    const document = await actorDocument(nina);
    expect([document.alsoKnownAs].flat()).toEqual([olive.actorUri]);
    // olive's server does not follow nina: only the Update sent to the alias's server can have told it.
    await waitFor(async () => JSON.stringify(aliasesOn(await findAccountByUri(olive.core, nina.actorUri))) === JSON.stringify([olive.actorUri]), {
      what: "olive's server to see nina's alias",
    });
  });

  it("a move with a wrong password, or to an account that does not list olive, is refused and olive can still post", async () => {
    const wrong = await move({ password: "not the password", moved_to_uri: nina.actorUri });
    expect(wrong.status, JSON.stringify(wrong.body)).toBe(422);
    expect(wrong.body.error).toContain("password is wrong");
    const unlisted = await move({ password: PASSWORD, moved_to_uri: `@pete@${pete.host}` });
    expect(unlisted.status, JSON.stringify(unlisted.body)).toBe(422);
    expect(unlisted.body.error).toContain("does not list this account");
    expect((await actorDocument(olive)).movedTo).toBeUndefined();
    const kept = await answer(post("still here"));
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    keptStatusId = String(kept.body.id);
  });

  it("olive moves to nina: movedTo is set, pete's server and lou follow nina instead, and olive is read-only", async () => {
    const moved = await move({ password: PASSWORD, moved_to_uri: `@nina@${nina.host}` });
    expect(moved.status, JSON.stringify(moved.body)).toBe(202);
    expect((moved.body.moved as Record<string, unknown> | undefined)?.uri).toBe(nina.actorUri);
    expect((await actorDocument(olive)).movedTo).toBe(nina.actorUri);

    const oliveOnPete = await accountOn(pete, olive);
    const ninaOnPete = await waitFor(() => findAccountByUri(pete.core, nina.actorUri), { what: "pete's server to fetch nina" });
    await waitFor(async () => (await getFollow(pete.core, pete.owner.id, ninaOnPete.id))?.state === "accepted", { what: "pete to follow nina" });
    await waitFor(async () => (await getFollow(pete.core, pete.owner.id, oliveOnPete.id)) === undefined, { what: "pete to leave olive" });
    expect((await findAccountByUri(pete.core, olive.actorUri))?.moved_to_uri).toBe(nina.actorUri);

    const ninaOnOlive = await accountOn(olive, nina);
    await waitFor(async () => (await getFollow(olive.core, lou.id, ninaOnOlive.id))?.state === "accepted", { what: "lou to follow nina" });
    expect(await getFollow(olive.core, lou.id, olive.owner.id)).toBeUndefined();
    const oliveOnNina = await accountOn(nina, olive);
    await waitFor(async () => (await getFollow(nina.core, nico.id, nina.owner.id))?.state === "accepted", { what: "nico to follow nina, on her own server" });
    expect(await getFollow(nina.core, nico.id, oliveOnNina.id)).toBeUndefined();

    const refused = await answer(post("one more"));
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.error).toContain("has moved to");
    const followed = await answer(oliveApi.request(`/api/v1/accounts/${ninaOnOlive.id}/follow`, { method: "POST" }));
    expect(followed.status, JSON.stringify(followed.body)).toBe(403);
    for (const act of ["reblog", "favourite"]) {
      const acted = await answer(oliveApi.request(`/api/v1/statuses/${keptStatusId}/${act}`, { method: "POST" }));
      expect(acted.status, `${act}: ${JSON.stringify(acted.body)}`).toBe(403);
    }
    // Still readable and exportable.
    expect((await oliveApi.request("/api/v1/accounts/verify_credentials")).status).toBe(200);
    expect((await oliveApi.request("/api/v1/exports/following.csv")).status).toBe(200);
  });

  it("moving again is refused within 30 days, even after undoing the move, and to the account it already points at", async () => {
    const again = await move({ password: PASSWORD, moved_to_uri: nina.actorUri });
    expect(again.status, JSON.stringify(again.body)).toBe(422);
    expect(again.body.error).toContain("moved less than 30 days ago");

    const undone = await answer(oliveApi.request("/api/v1/accounts/move", { method: "DELETE" }));
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect(undone.body.moved).toBeUndefined();
    expect((await actorDocument(olive)).movedTo).toBeUndefined();
    expect((await post("back again")).status).toBe(200);
    expect((await oliveApi.request(`/api/v1/statuses/${keptStatusId}/favourite`, { method: "POST" })).status).toBe(200);

    const tooSoon = await move({ password: PASSWORD, moved_to_uri: nina.actorUri });
    expect(tooSoon.status, JSON.stringify(tooSoon.body)).toBe(422);
    expect(tooSoon.body.error).toContain("moved less than 30 days ago");

    // Positive control: the same move once the last one is 31 days old goes through.
    const longAgo = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000).toISOString();
    await olive.core.db.updateTable("account_migrations").set({ created_at: longAgo }).execute();
    const later = await move({ password: PASSWORD, moved_to_uri: nina.actorUri });
    expect(later.status, JSON.stringify(later.body)).toBe(202);

    await olive.core.db.updateTable("account_migrations").set({ created_at: longAgo }).execute();
    const same = await move({ password: PASSWORD, moved_to_uri: `@nina@${nina.host}` });
    expect(same.status, JSON.stringify(same.body)).toBe(422);
    expect(same.body.error).toContain("already moved to");
    await drained(olive, pete);
  });
});
