import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFollow } from "../../server/core/relationships/follows.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { findStatusByUri } from "../../server/core/statuses/status-store.ts";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { accountOn, arrivedOn, drained, follow, knownOn, statusUri } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

const ADMIN_SCOPES = ["read", "write", "follow", "admin:read", "admin:write"];

interface AdminDomainBlock {
  id: string;
  domain: string;
  digest: string;
  severity: string;
  reject_media: boolean;
  reject_reports: boolean;
  private_comment: string | null;
  public_comment: string | null;
  obfuscate: boolean;
}

interface PreviewLine {
  line: number;
  domain: string | null;
  action: string;
  severity: string;
  error: string | null;
  covered_by: string | null;
  severs: boolean;
  follows: number;
  followers: number;
  accounts: number;
}

interface Preview {
  lines: PreviewLine[];
  totals: Record<string, number>;
}

const CSV_HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";

describe("the instance's domain blocks: who may set them, the blocklist CSV, and what a suspension does", () => {
  let group: InstanceGroup;
  let olive: TestInstance;
  let bob: TestInstance;
  let carol: TestInstance;
  let owner: ApiUser;
  let moderator: ApiUser;
  let member: ApiUser;
  /** The owner's web-client token: read and write, no admin scopes. */
  let ownerWeb: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }, { username: "bob" }, { username: "carol" }]);
    [olive, bob, carol] = group.instances as [TestInstance, TestInstance, TestInstance];
    owner = await apiUser(olive.core, olive.url, olive.owner, ADMIN_SCOPES);
    ownerWeb = await apiUser(olive.core, olive.url, olive.owner, ["read", "write", "follow"]);
    moderator = await apiUser(olive.core, olive.url, await addLocalAccount(olive.core, "maud", "moderator"), ADMIN_SCOPES);
    member = await apiUser(olive.core, olive.url, await addLocalAccount(olive.core, "milo"), ADMIN_SCOPES);
    // Follows both ways with bob (to be suspended) and carol (the control).
    await follow(olive, bob);
    await follow(olive, carol);
    await follow(bob, olive);
    await follow(carol, olive);
  });
  afterAll(() => group?.close());

  const createBlock = (user: ApiUser, body: Record<string, unknown>) => user.request("/api/v1/admin/domain_blocks", jsonBody("POST", body));

  it("lets the owner and moderators create, show, change and lift blocks as Admin::DomainBlock; a member gets 403", async () => {
    expect((await createBlock(member, { domain: "spam.example" })).status).toBe(403);
    // The admin API wants an admin scope; the web client's read/write token uses /api/hearth/domain_blocks.
    expect((await ownerWeb.request("/api/v1/admin/domain_blocks")).status).toBe(403);
    expect((await ownerWeb.request("/api/hearth/domain_blocks")).status).toBe(200);
    expect((await member.request("/api/hearth/domain_blocks")).status).toBe(403);

    const made = await createBlock(moderator, { domain: "Spam.Example", severity: "silence", public_comment: "spam", private_comment: "seen in reports", obfuscate: true });
    expect(made.status).toBe(200);
    const block = (await made.json()) as AdminDomainBlock;
    expect(block).toMatchObject({
      domain: "spam.example",
      digest: createHash("sha256").update("spam.example").digest("hex"),
      severity: "silence",
      reject_media: false,
      reject_reports: false,
      private_comment: "seen in reports",
      public_comment: "spam",
      obfuscate: true,
    });

    // As Mastodon: a second block of the domain, or a subdomain block no stricter, is 422 with the one that rules.
    const again = await createBlock(owner, { domain: "spam.example", severity: "suspend" });
    expect(again.status).toBe(422);
    expect(((await again.json()) as { existing_domain_block: AdminDomainBlock }).existing_domain_block.id).toBe(block.id);
    expect((await createBlock(owner, { domain: "sub.spam.example", severity: "noop" })).status).toBe(422);
    const stricter = await createBlock(owner, { domain: "sub.spam.example", severity: "suspend" });
    expect(stricter.status).toBe(200);
    // Mastodon's API defaults a missing severity to silence; a bad one is refused with a sentence.
    expect(((await (await createBlock(owner, { domain: "quiet.example" })).json()) as AdminDomainBlock).severity).toBe("silence");
    const bad = await createBlock(owner, { domain: "loud.example", severity: "loud" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toMatch(/severity must be one of suspend, silence, noop/);

    const changed = await owner.request(`/api/v1/admin/domain_blocks/${block.id}`, jsonBody("PUT", { severity: "noop", reject_media: true }));
    expect(((await changed.json()) as AdminDomainBlock).severity).toBe("noop");
    const shown = (await (await owner.request(`/api/v1/admin/domain_blocks/${block.id}`)).json()) as AdminDomainBlock;
    expect(shown).toMatchObject({ severity: "noop", reject_media: true, public_comment: "spam" });
    const listed = (await (await moderator.request("/api/v1/admin/domain_blocks")).json()) as AdminDomainBlock[];
    expect(listed.map((entry) => entry.domain).sort()).toEqual(["quiet.example", "spam.example", "sub.spam.example"]);

    // The public list: signed-in accounts only (Mastodon's default), obfuscated names with their digest.
    expect((await fetch(`${olive.url}/api/v1/instance/domain_blocks`)).status).toBe(404);
    const shownToMember = (await (await member.request("/api/v1/instance/domain_blocks")).json()) as Array<{ domain: string; digest: string; severity: string; comment: string }>;
    expect(shownToMember.find((entry) => entry.digest === block.digest)).toEqual({ domain: "spam.****ple", digest: block.digest, severity: "noop", comment: "spam" });

    for (const entry of listed) expect((await owner.request(`/api/v1/admin/domain_blocks/${entry.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await owner.request(`/api/v1/admin/domain_blocks/${block.id}`)).status).toBe(404);
  });

  it("previews a blocklist CSV line by line with what it would cut, and writes nothing", async () => {
    await createBlock(owner, { domain: "kept.example", severity: "silence" });
    await createBlock(owner, { domain: "changed.example", severity: "noop" });
    const csv = [
      CSV_HEADER,
      `${carol.host},suspend,false,false,,false`,
      "kept.example,silence,false,false,,false",
      "changed.example,suspend,true,false,now suspended,false",
      "sub.kept.example,noop,false,false,,false",
      "not a domain,suspend,false,false,,false",
      "loud.example,loud,false,false,,false",
      "kept.example,suspend,false,false,,false",
    ].join("\n");
    const response = await ownerWeb.request("/api/hearth/domain_blocks/import/preview", { method: "POST", headers: { "Content-Type": "text/csv" }, body: csv });
    expect(response.status).toBe(200);
    const preview = (await response.json()) as Preview;
    const byLine = (line: number) => preview.lines.find((entry) => entry.line === line)!;
    expect(byLine(2)).toMatchObject({ domain: carol.host, action: "new", severity: "suspend", severs: true, follows: 1, followers: 1, accounts: 1 });
    expect(byLine(3)).toMatchObject({ action: "unchanged" });
    expect(byLine(4)).toMatchObject({ action: "change", severity: "suspend", severs: true });
    expect(byLine(5)).toMatchObject({ action: "unchanged", covered_by: "kept.example" });
    expect(byLine(6).action).toBe("invalid");
    expect(byLine(6).error).toMatch(/is not a domain/);
    expect(byLine(7).error).toMatch(/severity must be one of/);
    expect(byLine(8).error).toMatch(/already on line 3/);
    expect(preview.totals).toMatchObject({ new: 1, change: 1, unchanged: 2, invalid: 3, follows_cut: 1, followers_cut: 1 });

    // Nothing was written: carol is still followed both ways.
    const carolOnOlive = await accountOn(olive, carol);
    expect((await getFollow(olive.core, olive.owner.id, carolOnOlive.id))?.state).toBe("accepted");
    expect((await ownerWeb.request("/api/hearth/domain_blocks")).status).toBe(200);
    const blocks = (await (await ownerWeb.request("/api/hearth/domain_blocks")).json()) as AdminDomainBlock[];
    expect(blocks.map((entry) => entry.domain).sort()).toEqual(["changed.example", "kept.example"]);

    // The older form, one domain per line without a header: each a suspension (the importer's default).
    const plain = await ownerWeb.request("/api/hearth/domain_blocks/import/preview", jsonBody("POST", { csv: "a.example\nb.example\n" }));
    const plainPreview = (await plain.json()) as Preview;
    expect(plainPreview.lines.map((entry) => [entry.domain, entry.action, entry.severity])).toEqual([
      ["a.example", "new", "suspend"],
      ["b.example", "new", "suspend"],
    ]);
    // Not CSV at all: refused whole, with the line.
    const broken = await ownerWeb.request("/api/hearth/domain_blocks/import/preview", { method: "POST", headers: { "Content-Type": "text/csv" }, body: `${CSV_HEADER}\n"open.example,suspend` });
    expect(broken.status).toBe(422);
  });

  it("imports a blocklist of 1,000 domains in one write, reports each line, and exports it back in Mastodon's CSV", async () => {
    const domains = Array.from({ length: 1000 }, (_, index) => `blocked-${index}.example`);
    const csv = [
      CSV_HEADER,
      ...domains.map((domain, index) => `${domain},${index % 2 === 0 ? "suspend" : "silence"},${index % 3 === 0},false,"listed, by someone",${index % 5 === 0}`),
      "changed.example,suspend,true,false,now suspended,false",
      "not a domain",
    ].join("\n");
    const previewStarted = performance.now();
    const preview = (await (await ownerWeb.request("/api/hearth/domain_blocks/import/preview", { method: "POST", headers: { "Content-Type": "text/csv" }, body: csv })).json()) as Preview;
    const previewMs = performance.now() - previewStarted;
    expect(preview.totals).toMatchObject({ new: 1000, change: 1, invalid: 1 });

    const importStarted = performance.now();
    const response = await ownerWeb.request("/api/hearth/domain_blocks/import", { method: "POST", headers: { "Content-Type": "text/csv" }, body: csv });
    const importMs = performance.now() - importStarted;
    console.log(`A blocklist of 1,000 domains: preview ${previewMs.toFixed(0)} ms, import ${importMs.toFixed(0)} ms.`);
    expect(response.status).toBe(200);
    const applied = (await response.json()) as { totals: Record<string, number>; results: Array<{ line: number; domain: string; action: string; error: string | null }> };
    expect(applied.totals).toMatchObject({ created: 1000, changed: 1, failed: 1 });
    expect(applied.results.find((result) => result.domain === "not a domain")?.error).toMatch(/is not a domain/);

    const exported = await ownerWeb.request("/api/hearth/domain_blocks/export");
    expect(exported.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await exported.text()).trim().split("\n");
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toContain('blocked-0.example,suspend,true,false,"listed, by someone",true');
    expect(lines).toContain('blocked-1.example,silence,false,false,"listed, by someone",false');
    expect(lines).toContain("changed.example,suspend,true,false,now suspended,false");
    expect(lines).toHaveLength(1 + 1000 + 2);

    // Importing the export again changes nothing.
    const again = (await (await ownerWeb.request("/api/hearth/domain_blocks/import/preview", { method: "POST", headers: { "Content-Type": "text/csv" }, body: lines.join("\n") })).json()) as Preview;
    expect(again.totals).toMatchObject({ new: 0, change: 0, invalid: 0, unchanged: 1002 });
  });

  it("suspends bob's domain: follows both ways severed, his statuses hidden, his Create dropped, nothing delivered to him; carol untouched", async () => {
    const before = await postStatus(bob.core, { accountId: bob.owner.id, text: "before the block" }, { origin: bob.url });
    const carolBefore = await postStatus(carol.core, { accountId: carol.owner.id, text: "carol before" }, { origin: carol.url });
    await arrivedOn(olive, statusUri(bob, before));
    await arrivedOn(olive, statusUri(carol, carolBefore));
    const publicTexts = async () => (await owner.client.v1.timelines.public.list({ limit: 40 })).map((status) => status.content);
    expect((await publicTexts()).join()).toContain("before the block");

    expect((await createBlock(owner, { domain: bob.host, severity: "suspend" })).status).toBe(200);

    const bobOnOlive = await knownOn(olive, bob);
    const carolOnOlive = await knownOn(olive, carol);
    expect(await getFollow(olive.core, olive.owner.id, bobOnOlive.id)).toBeUndefined();
    expect(await getFollow(olive.core, bobOnOlive.id, olive.owner.id)).toBeUndefined();
    expect((await getFollow(olive.core, olive.owner.id, carolOnOlive.id))?.state).toBe("accepted");
    expect((await getFollow(olive.core, carolOnOlive.id, olive.owner.id))?.state).toBe("accepted");

    // Hidden, not deleted: the federated timeline shows nothing of his; carol's stay.
    const texts = (await publicTexts()).join();
    expect(texts).not.toContain("before the block");
    expect(texts).toContain("carol before");
    expect(await findStatusByUri(olive.core, statusUri(bob, before))).toBeDefined();

    // Bob still thinks olive follows him: his next post is delivered and dropped (202, nothing stored); carol's arrives.
    const after = await postStatus(bob.core, { accountId: bob.owner.id, text: "after the block" }, { origin: bob.url });
    const carolAfter = await postStatus(carol.core, { accountId: carol.owner.id, text: "carol after" }, { origin: carol.url });
    await arrivedOn(olive, statusUri(carol, carolAfter));
    await drained(bob, olive);
    expect(await findStatusByUri(olive.core, statusUri(bob, after))).toBeUndefined();

    // Olive mentions both: carol hears it, bob does not.
    const mention = await postStatus(olive.core, { accountId: olive.owner.id, text: `hello @bob@${bob.host} and @carol@${carol.host}` }, { origin: olive.url });
    await arrivedOn(carol, statusUri(olive, mention));
    await drained(olive, bob);
    expect(await findStatusByUri(bob.core, statusUri(olive, mention))).toBeUndefined();
  });
});
