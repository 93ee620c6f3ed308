import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAccountByUri } from "../../server/core/accounts/remote-accounts.ts";
import { addLocalAccount, apiUser, jsonBody, type ApiUser } from "../helpers/api-accounts.ts";
import { arrivedOn, drained } from "../helpers/federation-statuses.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { waitFor } from "../helpers/wait-for.ts";

const PASSWORD = "correct horse battery staple";

/** Paths under the data directory's media folder: the account's avatar and header, and its uploads' files. */
async function storedFilesOf(instance: TestInstance, accountId: string): Promise<string[]> {
  const account = await instance.core.db.selectFrom("accounts").select(["avatar_file", "header_file"]).where("id", "=", accountId).executeTakeFirstOrThrow();
  const media = await instance.core.db.selectFrom("media_attachments").select(["file", "thumbnail_file"]).where("account_id", "=", accountId).execute();
  return [account.avatar_file, account.header_file, ...media.flatMap((row) => [row.file, row.thumbnail_file])].filter((file): file is string => file !== null);
}

async function upload(user: ApiUser): Promise<string> {
  const png = await twoColours(160, 90).png().toBuffer();
  return (await user.client.v2.media.create({ file: new Blob([new Uint8Array(png)], { type: "image/png" }) })).id;
}

describe("a member's deletion reaches every server that knows them, and leaves no file of theirs on disk", () => {
  let group: InstanceGroup;
  let home: TestInstance;
  let follower: TestInstance;
  let mentioned: TestInstance;
  let milo: ApiUser;
  let owner: ApiUser;

  beforeAll(async () => {
    group = await startInstances([{ username: "olive" }, { username: "bob" }, { username: "carol" }]);
    [home, follower, mentioned] = group.instances as [TestInstance, TestInstance, TestInstance];
    milo = await apiUser(home.core, home.url, await addLocalAccount(home.core, "milo"));
    owner = await apiUser(home.core, home.url, home.owner);
  });
  afterAll(() => group?.close());

  it("sends Delete(Person) to a follower's server and to a server milo only mentioned, and removes milo's files but not the owner's", async () => {
    const miloUri = `${home.url}/users/milo`;
    // bob follows milo; carol's server knows milo only because milo wrote to her.
    const bobApi = await apiUser(follower.core, follower.url, follower.owner);
    const found = await bobApi.client.v2.search.list({ q: `@milo@${home.host}`, resolve: true, type: "accounts" });
    await bobApi.client.v1.accounts.$select(found.accounts[0]!.id).follow();
    await waitFor(async () => (await milo.client.v1.accounts.verifyCredentials()).followersCount === 1, { what: "bob's follow to reach milo" });
    const note = await milo.client.v1.statuses.create({ status: `Hello @${mentioned.handle}`, visibility: "public" });
    await arrivedOn(mentioned, `${miloUri}/statuses/${note.id}`);

    // Milo's face, a photo post and an upload no post took; the owner's photo is the control.
    const form = new FormData();
    form.set("avatar", new Blob([new Uint8Array(await twoColours(300, 300).png().toBuffer())], { type: "image/png" }));
    form.set("header", new Blob([new Uint8Array(await twoColours(900, 300).png().toBuffer())], { type: "image/png" }));
    expect((await milo.request("/api/v1/accounts/update_credentials", { method: "PATCH", body: form })).status).toBe(200);
    await milo.client.v1.statuses.create({ status: "A photo", mediaIds: [await upload(milo)], visibility: "public" });
    await upload(milo);
    await owner.client.v1.statuses.create({ status: "The owner's photo", mediaIds: [await upload(owner)], visibility: "public" });
    const media = join(home.dataDir, "media");
    const milosFiles = await storedFilesOf(home, milo.account.id);
    const ownersFiles = await storedFilesOf(home, home.owner.id);
    expect(milosFiles.length).toBeGreaterThanOrEqual(6);
    expect(ownersFiles.length).toBeGreaterThanOrEqual(2);
    for (const file of [...milosFiles, ...ownersFiles]) expect(existsSync(join(media, file))).toBe(true);

    const deleted = await milo.request("/api/hearth/account/delete", jsonBody("POST", { password: PASSWORD }));
    expect(deleted.status).toBe(200);
    for (const file of milosFiles) expect(existsSync(join(media, file)), file).toBe(false);
    for (const file of ownersFiles) expect(existsSync(join(media, file)), file).toBe(true);

    await waitFor(async () => (await findAccountByUri(follower.core, miloUri)) === undefined, { what: "bob's server to forget milo", timeoutMs: 20_000 });
    await waitFor(async () => (await findAccountByUri(mentioned.core, miloUri)) === undefined, { what: "carol's server to forget milo", timeoutMs: 20_000 });
    await drained(home);
  });
});
