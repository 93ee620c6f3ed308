import { createRestAPIClient } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/core/clock.ts";
import { createCoreContext } from "../../server/core/context.ts";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { addLocalAccount } from "../helpers/api-accounts.ts";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

/** `hearth token --username` for a member of the household: their token, their account, none of the owner's rights. */
describe("hearth token for a member", () => {
  const dataDir = makeTempDir("cli-member");
  let serving: ServingHearth;

  beforeAll(async () => {
    const setup = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "olive", "--password-stdin"], { stdin: "correct horse battery staple\n" });
    expect(setup.code).toBe(0);
    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      await addLocalAccount(createCoreContext(database.db, systemClock), "milo");
    } finally {
      await database.close();
    }
    serving = await serveHearth(["--data-dir", dataDir.path]);
  });
  afterAll(async () => {
    await serving?.stop();
    dataDir.remove();
  });

  async function tokenFor(args: readonly string[]): Promise<string> {
    const result = await runHearth(["token", "--data-dir", dataDir.path, ...args]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return result.stdout.trim();
  }

  it("issues the member's own token (by any case of the name), which the owner's endpoints refuse", async () => {
    const token = await tokenFor(["--username", "MILO"]);
    const me = await createRestAPIClient({ url: serving.localUrl, accessToken: token }).v1.accounts.verifyCredentials();
    expect(me.username).toBe("milo");
    expect(me.role?.name).toBe("");
    const info = await fetch(`${serving.localUrl}/api/hearth/info`, { headers: { Authorization: `Bearer ${token}` } });
    expect(info.status).toBe(403);

    // The control: without --username the token is the owner's, and the same endpoint answers it.
    const ownerToken = await tokenFor([]);
    const owner = await createRestAPIClient({ url: serving.localUrl, accessToken: ownerToken }).v1.accounts.verifyCredentials();
    expect(owner.username).toBe("olive");
    expect((await fetch(`${serving.localUrl}/api/hearth/info`, { headers: { Authorization: `Bearer ${ownerToken}` } })).status).toBe(200);
  });

  it("says so when nobody here has that name", async () => {
    const result = await runHearth(["token", "--data-dir", dataDir.path, "--username", "nobody"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("There is no local account named nobody on this instance.");
  });
});
