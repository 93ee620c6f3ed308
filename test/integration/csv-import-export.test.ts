import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFollow } from "../../server/core/relationships/follows.ts";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

interface ImportAnswer {
  rows: number;
  imported: number;
  failures: Array<{ line: number; value: string; error: string }>;
  beyondLimit: number;
  removed: number;
}

function lines(csv: string): string[] {
  return csv.trimEnd().split("\n");
}

describe("Mastodon's CSV files: GET /api/v1/exports/*.csv and POST /api/v1/import", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let bobHome: TestInstance;
  let alice: ApiUser;
  let frank: ApiUser;
  let carolPostUri: string;
  let local: (name: string) => string;

  async function csv(user: ApiUser, name: string): Promise<string> {
    const response = await user.request(`/api/v1/exports/${name}.csv`);
    expect(response.status, name).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    return response.text();
  }

  async function upload(user: ApiUser, type: string, text: string, mode = "merge"): Promise<Response> {
    const form = new FormData();
    form.set("data", new Blob([text], { type: "text/csv" }), `${type}.csv`);
    form.set("type", type);
    form.set("mode", mode);
    return user.request("/api/v1/import", { method: "POST", body: form });
  }

  async function imported(user: ApiUser, type: string, text: string, mode = "merge"): Promise<ImportAnswer> {
    const response = await upload(user, type, text, mode);
    expect(response.status, await response.clone().text()).toBe(202);
    return (await response.json()) as ImportAnswer;
  }

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "bob" }]);
    [home, bobHome] = group.instances as [TestInstance, TestInstance];
    local = (name) => `${name}@${home.host}`;
    alice = await apiUser(home.core, home.url, home.owner, ["read", "write", "follow"]);
    frank = await apiUser(home.core, home.url, await addLocalAccount(home.core, "frank"), ["read", "write", "follow"]);
    const carol = await apiUser(home.core, home.url, await addLocalAccount(home.core, "carol"));
    const dave = await addLocalAccount(home.core, "dave");
    const erin = await addLocalAccount(home.core, "erin");

    // Alice's relations, made one by one through the API as an app would.
    await alice.request(`/api/v1/accounts/${carol.account.id}/follow`, jsonBody("POST", { reblogs: false, notify: true, languages: ["en", "fr"] }));
    const bobOnHome = await alice.client.v1.accounts.lookup({ acct: bobHome.handle });
    await alice.client.v1.accounts.$select(bobOnHome.id).follow();
    await alice.client.v1.accounts.$select(dave.id).block();
    await alice.client.v1.accounts.$select(erin.id).mute({ notifications: false });
    await alice.client.v1.domainBlocks.create({ domain: "spam.example" });
    const list = await alice.client.v1.lists.create({ title: "Friends, near and far" });
    await alice.client.v1.lists.$select(list.id).accounts.create({ accountIds: [carol.account.id] });
    const post = await carol.client.v1.statuses.create({ status: "Carol's post", visibility: "public" });
    carolPostUri = post.uri;
    await alice.client.v1.statuses.$select(post.id).bookmark();
    await waitFor(async () => (await getFollow(home.core, home.owner.id, bobOnHome.id))?.state === "accepted", { what: "bob to accept alice's follow" });
  });
  afterAll(() => group?.close());

  it("exports each file with Mastodon's header, or none where Mastodon writes none", async () => {
    expect(lines(await csv(alice, "following")).sort()).toEqual(
      ["Account address,Show boosts,Notify on new posts,Languages", `${local("carol")},false,true,"en, fr"`, `${bobHome.handle},true,false,`].sort(),
    );
    expect(lines(await csv(alice, "followers"))).toEqual(["Account address"]);
    expect(lines(await csv(alice, "blocks"))).toEqual([local("dave")]);
    expect(lines(await csv(alice, "mutes"))).toEqual(["Account address,Hide notifications", `${local("erin")},false`]);
    expect(lines(await csv(alice, "domain_blocks"))).toEqual(["spam.example"]);
    expect(lines(await csv(alice, "bookmarks"))).toEqual([carolPostUri]);
    expect(lines(await csv(alice, "lists"))).toEqual([`"Friends, near and far",${local("carol")}`]);
    expect(lines(await csv(frank, "following"))).toEqual(["Account address,Show boosts,Notify on new posts,Languages"]);
  });

  it("asks for a token: no token, no file", async () => {
    expect((await fetch(`${home.url}/api/v1/exports/following.csv`)).status).toBe(401);
  });

  it("imports every file another account exported, and then exports the same (the remote follow through the follow path)", async () => {
    for (const [type, file] of [
      ["following", "following"],
      ["blocks", "blocks"],
      ["mutes", "mutes"],
      ["domain_blocks", "domain_blocks"],
      ["bookmarks", "bookmarks"],
      ["lists", "lists"],
    ] as const) {
      const answer = await imported(frank, type, await csv(alice, file));
      expect(answer.failures, type).toEqual([]);
    }
    const bobOnHome = await frank.client.v1.accounts.lookup({ acct: bobHome.handle });
    await waitFor(async () => (await getFollow(home.core, frank.account.id, bobOnHome.id))?.state === "accepted", { what: "bob to accept frank's follow" });
    for (const file of ["following", "blocks", "mutes", "domain_blocks", "bookmarks", "lists"]) {
      expect(lines(await csv(frank, file)).sort(), file).toEqual(lines(await csv(alice, file)).sort());
    }
  });

  it("reports each row it could not import with its line and imports the rest (an unknown header is read as a row, as Mastodon reads it)", async () => {
    const answer = await imported(
      frank,
      "blocks",
      ["Name,Something", "not an address", `ghost@${bobHome.host}`, local("erin"), ""].join("\n"),
    );
    expect(answer).toMatchObject({ rows: 4, imported: 1, beyondLimit: 0 });
    expect(answer.failures.map(({ line }) => line)).toEqual([1, 2, 3]);
    expect(answer.failures[1]?.error).toMatch(/not an account address/);
    expect(answer.failures[2]?.error).toMatch(/No account ghost@/);
    // The good row is in.
    expect(lines(await csv(frank, "blocks"))).toContain(local("erin"));
  });

  it("refuses a file whose header is another type's, with a sentence, and imports none of it", async () => {
    const response = await upload(frank, "domain_blocks", `Account address,Hide notifications\n${local("dave")},true\n`);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toMatch(/not that of a domain blocks export/);
    // Positive control: the same type with its own (header-less) file is taken.
    expect(await imported(frank, "domain_blocks", "other.example\n")).toMatchObject({ imported: 1, failures: [] });
  });

  it("imports 20,000 rows at most and says how many it left out", async () => {
    const rows = Array.from({ length: 20_003 }, (_, index) => (index === 0 ? "first.example" : index === 20_001 ? "late.example" : "not a domain"));
    const answer = await imported(frank, "domain_blocks", rows.join("\n"));
    expect(answer).toMatchObject({ rows: 20_003, imported: 1, beyondLimit: 3 });
    expect(answer.failures).toHaveLength(19_999);
    const blocked = lines(await csv(frank, "domain_blocks"));
    expect(blocked).toContain("first.example");
    expect(blocked).not.toContain("late.example");
  });

  it("refuses a file over 20 MB with a sentence", async () => {
    const response = await upload(frank, "domain_blocks", "a.example\n".repeat(2_200_000));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/larger than 20 MB/);
  });

  it("in overwrite mode undoes what the file does not name", async () => {
    const answer = await imported(frank, "domain_blocks", "spam.example\n", "overwrite");
    expect(answer.failures).toEqual([]);
    expect(answer.removed).toBeGreaterThan(0);
    expect(lines(await csv(frank, "domain_blocks"))).toEqual(["spam.example"]);
  });

  it("refuses an unknown type and a token without the type's scope, beside a token that has it", async () => {
    const unknown = await upload(frank, "friends", "x\n");
    expect(unknown.status).toBe(422);
    const readOnly = await apiUser(home.core, home.url, frank.account, ["read", "write:blocks"]);
    expect((await upload(readOnly, "following", `${local("carol")}\n`)).status).toBe(403);
    expect((await upload(readOnly, "blocks", `${local("dave")}\n`)).status).toBe(202);
  });
});
