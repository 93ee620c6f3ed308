import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../server/cli.ts";
import { findOwnerAccount } from "../../server/core/accounts/accounts.ts";
import { relationRows } from "../../server/core/archive/relation-exports.ts";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext, type CoreContext } from "../../server/core/context.ts";
import { setupInstance } from "../../server/core/instance/instance.ts";
import { postStatus } from "../../server/core/statuses/statuses.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { addLocalAccount } from "../helpers/api-accounts.ts";
import { storePeerAccount } from "../helpers/peer-accounts.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const ORIGIN = "https://hearth.example";
const PEER = { origin: "https://peer.example", host: "peer.example" };

/** The `hearth` command in this process: it reads only the data directory, and a process start each is slow. */
async function hearth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = new PassThrough().on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const err = new PassThrough().on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await runCli(args, { stdin: new PassThrough(), stdout: out, stderr: err });
  return { code, stdout, stderr };
}

describe("hearth import: Mastodon's CSV files", () => {
  const dataDir = makeTempDir("csv-import");
  const files = makeTempDir("csv-import-files");
  let bobPostUri = "";

  async function withCore<T>(read: (core: CoreContext, ownerId: string) => Promise<T>): Promise<T> {
    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      const core = createCoreContext(database.db, systemClock);
      const owner = await findOwnerAccount(core);
      if (!owner) throw new Error("no owner");
      return await read(core, owner.id);
    } finally {
      await database.close();
    }
  }

  const csv = (name: string, text: string) => {
    const path = join(files.path, name);
    writeFileSync(path, text);
    return path;
  };

  const rows = (kind: Parameters<typeof relationRows>[2]) => withCore((core, ownerId) => relationRows(core, ownerId, kind, ORIGIN));

  beforeAll(async () => {
    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      const core = createCoreContext(database.db, systemClock);
      await setupInstance(core, { username: "alice", password: "correct horse battery staple", publicOrigin: ORIGIN });
      const bob = await addLocalAccount(core, "bob");
      await addLocalAccount(core, "dora");
      await storePeerAccount(core, PEER, "carol");
      await storePeerAccount(core, PEER, "eve");
      const post = await postStatus(core, { accountId: bob.id, text: "Worth keeping", visibility: "public" }, { origin: ORIGIN });
      bobPostUri = `${ORIGIN}/users/bob/statuses/${post.id}`;
    } finally {
      await database.close();
    }
  });
  afterAll(() => {
    dataDir.remove();
    files.remove();
  });

  it("tells each of Mastodon's files by its header or its name, imports every row it can and reports the others with their lines", async () => {
    const following = csv(
      "following_accounts.csv",
      "Account address,Show boosts,Notify on new posts,Languages\nbob@hearth.example,false,true,\"en, de\"\nnobody@gone.example,true,false,\nnot an address,true,false,\n",
    );
    const result = await hearth(["import", following, "--data-dir", dataDir.path]);
    expect(result.stderr).toContain("following_accounts.csv (follows): 3/3 (100%)");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("as follows: 1 of 3 rows");
    expect(result.stdout).toMatch(/line 3: nobody@gone\.example.*No account nobody@gone\.example was found/);
    expect(result.stdout).toMatch(/line 4: not an address.*is not an account address/);
    expect(result.stdout).toContain("cannot reach other servers");
    expect(await rows("following")).toEqual([["Account address", "Show boosts", "Notify on new posts", "Languages"], ["bob@hearth.example", "false", "true", "en, de"]]);

    // Header-less files, as Mastodon writes them, each told by its name.
    const blocks = await hearth(["import", csv("blocked_accounts.csv", "carol@peer.example\n"), "--data-dir", dataDir.path]);
    expect(blocks.stdout).toContain("as blocked accounts: 1 of 1 rows");
    const domains = await hearth(["import", csv("blocked_domains.csv", "spam.example\nads.example\n"), "--data-dir", dataDir.path]);
    expect(domains.stdout).toContain("as blocked domains: 2 of 2 rows");
    const mutes = await hearth(["import", csv("muted_accounts.csv", "Account address,Hide notifications\neve@peer.example,false\n"), "--data-dir", dataDir.path]);
    expect(mutes.stdout).toContain("as muted accounts: 1 of 1 rows");
    const lists = await hearth(["import", csv("lists.csv", "Friends,dora@hearth.example\nFriends,bob@hearth.example\n"), "--data-dir", dataDir.path]);
    expect(lists.stdout).toContain("as list members: 2 of 2 rows");
    const bookmarks = await hearth(["import", csv("bookmarks.csv", `${bobPostUri}\n`), "--data-dir", dataDir.path]);
    expect(bookmarks.stdout).toContain("as bookmarks: 1 of 1 rows");

    expect(await rows("blocks")).toEqual([["carol@peer.example"]]);
    expect((await rows("domain_blocks")).flat().sort()).toEqual(["ads.example", "spam.example"]);
    expect(await rows("mutes")).toEqual([["Account address", "Hide notifications"], ["eve@peer.example", "false"]]);
    expect((await rows("lists")).map((row) => row.join(",")).sort()).toEqual(["Friends,bob@hearth.example", "Friends,dora@hearth.example"]);
    expect(await rows("bookmarks")).toEqual([[bobPostUri]]);
  });

  it("tells a header-less file by the shape of its rows when its name says nothing, and merges: a second run adds nothing twice", async () => {
    const renamed = csv("my blocks export.csv", "eve@peer.example\ncarol@peer.example\n");
    const result = await hearth(["import", renamed, "--data-dir", dataDir.path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("as blocked accounts: 2 of 2 rows");
    const again = await hearth(["import", renamed, "--data-dir", dataDir.path]);
    expect(again.stdout).toContain("as blocked accounts: 2 of 2 rows");
    expect((await rows("blocks")).flat().sort()).toEqual(["carol@peer.example", "eve@peer.example"]);
  });

  it("refuses with a sentence, and nothing imported, a file it cannot tell, a followers list, and one over 20 MB", async () => {
    const unknown = await hearth(["import", csv("notes.csv", "hello there,general kenobi\n"), "--data-dir", dataDir.path]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("cannot tell which of Mastodon's CSV files notes.csv is");
    const followers = await hearth(["import", csv("followers.csv", "Account address\neve@peer.example\n"), "--data-dir", dataDir.path]);
    expect(followers.code).not.toBe(0);
    expect(followers.stderr).toContain("lists the accounts that follow you");
    const huge = await hearth(["import", csv("blocked_domains.csv", `${"a.example\n".repeat(2_200_000)}`), "--data-dir", dataDir.path]);
    expect(huge.code).not.toBe(0);
    expect(huge.stderr).toContain("larger than 20 MB");
    // What these files named is not there; what the positive controls above imported still is.
    expect((await rows("domain_blocks")).flat().sort()).toEqual(["ads.example", "spam.example"]);
    // bob from following_accounts.csv, dora because lists.csv put her on a list (a list holds followed accounts, as on Mastodon); not eve.
    expect((await rows("following")).slice(1).map((row) => row[0]).sort()).toEqual(["bob@hearth.example", "dora@hearth.example"]);
  });
});
