import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFollow } from "../../server/core/relationships/follows.ts";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { waitFor } from "../helpers/wait-for.ts";
import { readZipEntries } from "../helpers/zip-entries.ts";

interface ArchiveEntity {
  running: { kind: string; step: string | null; done: number; total: number } | null;
  last_export: { file_name: string; bytes: number } | null;
  last_outcome: {
    kind: string;
    file_name: string | null;
    error: string | null;
    archive?: { imported: number; total: number; media_imported: number; media_problems: unknown[]; bookmarks: { stored: number; unresolved: number } };
    csv?: { type: string; rows: number; imported: number; failures: unknown[] };
    export?: { statuses: number; media_files: number };
  } | null;
}

interface ApiStatus {
  id: string;
  created_at: string;
  content: string;
  visibility: string;
  in_reply_to_id: string | null;
  media_attachments: Array<{ url: string; description: string | null }>;
}

/** The CSV files Mastodon's export writes, by the name it gives them, and where Hearth serves each. */
const CSV_FILES = [
  ["following", "following_accounts.csv"],
  ["mutes", "muted_accounts.csv"],
  ["blocks", "blocked_accounts.csv"],
  ["domain_blocks", "blocked_domains.csv"],
  ["bookmarks", "bookmarks.csv"],
  ["lists", "lists.csv"],
] as const;

async function archiveState(user: ApiUser): Promise<ArchiveEntity> {
  const response = await user.request("/api/hearth/archive");
  expect(response.status).toBe(200);
  return (await response.json()) as ArchiveEntity;
}

/** Polls until the account's job has ended with an outcome of that kind (and, for an import, that file). */
function ended(user: ApiUser, kind: string, fileName: string | null = null) {
  return waitFor(
    async () => {
      const state = await archiveState(user);
      return state.running === null && state.last_outcome?.kind === kind && state.last_outcome.file_name === fileName ? state : undefined;
    },
    { timeoutMs: 60_000, what: `the ${kind} of ${fileName ?? "the archive"} to end` },
  );
}

async function upload(user: ApiUser, name: string, body: Uint8Array | string): Promise<NonNullable<ArchiveEntity["last_outcome"]>> {
  const response = await user.request(`/api/hearth/archive/import?name=${encodeURIComponent(name)}`, { method: "POST", body, headers: { "Content-Type": "application/octet-stream" } });
  expect(response.status, await response.clone().text()).toBe(202);
  const state = await ended(user, "import", name);
  expect(state.last_outcome?.error, name).toBeNull();
  return state.last_outcome!;
}

async function csv(user: ApiUser, kind: string): Promise<string[]> {
  const response = await user.request(`/api/v1/exports/${kind}.csv`);
  expect(response.status, kind).toBe(200);
  return (await response.text()).trimEnd().split("\n").sort();
}

/** A post as a reader compares them across servers: its text, date, visibility, parent's text and media. */
async function postsOf(user: ApiUser): Promise<Array<Record<string, unknown>>> {
  const response = await user.request(`/api/v1/accounts/${user.account.id}/statuses?limit=40`);
  const statuses = (await response.json()) as ApiStatus[];
  const byId = new Map(statuses.map((status) => [status.id, status]));
  return statuses.map((status) => ({
    content: status.content,
    created_at: status.created_at,
    visibility: status.visibility,
    in_reply_to: status.in_reply_to_id ? (byId.get(status.in_reply_to_id)?.content ?? "(not found)") : null,
    media: status.media_attachments.map((media) => media.description),
  }));
}

async function mediaBytes(user: ApiUser): Promise<Buffer[]> {
  const response = await user.request(`/api/v1/accounts/${user.account.id}/statuses?limit=40&only_media=true`);
  const statuses = (await response.json()) as ApiStatus[];
  const urls = statuses.flatMap((status) => status.media_attachments.map((media) => media.url));
  return Promise.all(urls.map(async (url) => Buffer.from(await (await fetch(url)).arrayBuffer())));
}

describe("the round trip: export from one Hearth, import into a fresh one, through the web client's API", { timeout: 240_000 }, () => {
  let group: InstanceGroup;
  let source: TestInstance;
  let fresh: TestInstance;
  let peer: TestInstance;
  let alice: ApiUser;
  let newAlice: ApiUser;
  let zip: Buffer;

  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }, { username: "alice" }, { username: "bob" }]);
    [source, fresh, peer] = group.instances as [TestInstance, TestInstance, TestInstance];
    alice = await apiUser(source.core, source.url, source.owner, ["read", "write", "follow"]);
    newAlice = await apiUser(fresh.core, fresh.url, fresh.owner, ["read", "write", "follow"]);
    const bob = await apiUser(peer.core, peer.url, peer.owner, ["read", "write", "follow"]);
    await addLocalAccount(peer.core, "carol");
    await addLocalAccount(peer.core, "dave");

    // alice's posts: a picture with its alt text, a thread of replies to herself, each visibility but direct.
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(await twoColours(64, 48).png().toBuffer())], { type: "image/png" }), "cat.png");
    form.set("description", "A red and blue cat");
    const media = (await (await alice.request("/api/v2/media", { method: "POST", body: form })).json()) as { id: string };
    await waitFor(async () => (await alice.request(`/api/v1/media/${media.id}`)).status === 200, { what: "the picture to be processed" });
    const first = await alice.client.v1.statuses.create({ status: "A cat, in two colours", mediaIds: [media.id], visibility: "public" });
    const second = await alice.client.v1.statuses.create({ status: "Replying to myself", inReplyToId: first.id, visibility: "unlisted" });
    await alice.client.v1.statuses.create({ status: "And once more, for followers", inReplyToId: second.id, visibility: "private" });

    // alice's relations with accounts on another server (a Hearth on loopback).
    const find = (name: string) => alice.client.v1.accounts.lookup({ acct: `${name}@${peer.host}` });
    const bobThere = await find("bob");
    await alice.request(`/api/v1/accounts/${bobThere.id}/follow`, jsonBody("POST", { reblogs: false, notify: true }));
    await waitFor(async () => (await getFollow(source.core, source.owner.id, bobThere.id))?.state === "accepted", { what: "bob to accept alice's follow" });
    await alice.client.v1.accounts.$select((await find("carol")).id).mute({ notifications: false });
    await alice.client.v1.accounts.$select((await find("dave")).id).block();
    await alice.client.v1.domainBlocks.create({ domain: "spam.example" });
    const list = await alice.client.v1.lists.create({ title: "Friends, near and far" });
    await alice.client.v1.lists.$select(list.id).accounts.create({ accountIds: [bobThere.id] });
    const bobPost = await bob.client.v1.statuses.create({ status: "Bob's post, worth keeping", visibility: "public" });
    const found = await alice.client.v2.search.list({ q: bobPost.uri, resolve: true, type: "statuses" });
    await alice.client.v1.statuses.$select(found.statuses[0]!.id).bookmark();
  });
  afterAll(() => group?.close());

  it("exports alice's archive in the background with its progress, and downloads it whole as a zip", async () => {
    const started = await alice.request("/api/hearth/archive/export", { method: "POST" });
    expect(started.status).toBe(202);
    expect(((await started.json()) as ArchiveEntity).running?.kind).toBe("export");
    const done = await ended(alice, "export");
    expect(done.last_outcome).toMatchObject({ error: null, export: { statuses: 3, media_files: 1 } });
    const download = await alice.request("/api/hearth/archive/export/download");
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/zip");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="archive-\d+-alice\.zip"$/);
    zip = Buffer.from(await download.arrayBuffer());
    expect(zip.length).toBe(done.last_export?.bytes);
    const entries = await readZipEntries(zip);
    expect([...entries.keys()].filter((name) => !name.startsWith("media_attachments/")).sort()).toEqual(["actor.json", "bookmarks.json", "likes.json", "outbox.json"]);
    expect([...entries.keys()].filter((name) => name.startsWith("media_attachments/"))).toHaveLength(1);
  });

  it("imports the archive and every CSV file into a fresh Hearth: the same posts, media and relations", async () => {
    const archive = await upload(newAlice, "alice-archive.zip", new Uint8Array(zip));
    expect(archive.archive).toMatchObject({ total: 3, imported: 3, media_imported: 1, media_problems: [] });

    for (const [kind, name] of CSV_FILES) {
      const text = (await csv(alice, kind)).join("\n");
      const outcome = await upload(newAlice, name, `${text}\n`);
      expect(outcome.csv, name).toMatchObject({ type: kind, failures: [] });
    }

    // Posts: text, dates, visibility, the thread, and the picture with its alt text and its bytes.
    expect(await postsOf(newAlice)).toEqual(await postsOf(alice));
    const [before, after] = [await mediaBytes(alice), await mediaBytes(newAlice)];
    expect(after).toHaveLength(1);
    expect(after[0]!.equals(before[0]!)).toBe(true);

    // Relations: the fresh server's CSV files are the old one's (follows once the peer has accepted).
    const bobThere = await newAlice.client.v1.accounts.lookup({ acct: peer.handle });
    await waitFor(async () => (await getFollow(fresh.core, fresh.owner.id, bobThere.id))?.state === "accepted", { what: "bob to accept the new alice's follow" });
    for (const [kind] of CSV_FILES) expect(await csv(newAlice, kind), kind).toEqual(await csv(alice, kind));
  });

  it("keeps each account to its own archive: a member sees no job of the owner's and gets no export of theirs", async () => {
    const member = await apiUser(source.core, source.url, await addLocalAccount(source.core, "milo"), ["read", "write"]);
    expect(await archiveState(member)).toEqual({ running: null, last_export: null, last_outcome: null });
    expect((await member.request("/api/hearth/archive/export/download")).status).toBe(404);
    // The positive control: the owner's export is still there for the owner.
    expect((await alice.request("/api/hearth/archive/export/download")).status).toBe(200);
    expect((await fetch(`${source.url}/api/hearth/archive`)).status).toBe(401);
  });
});
