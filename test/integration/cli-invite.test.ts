import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataDirectoryDatabase } from "../../server/db/open.ts";
import { runHearth, serveHearth } from "../helpers/hearth-cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

describe("hearth invite", () => {
  const dataDir = makeTempDir("cli-invite");

  beforeAll(async () => {
    const setup = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "ada", "--password-stdin", "--public-url", "https://home.example"], {
      stdin: "a long enough password\n",
    });
    expect(setup.code).toBe(0);
  });
  afterAll(() => dataDir.remove());

  async function inviteCount(): Promise<number> {
    const database = await openDataDirectoryDatabase(dataDir.path);
    try {
      return (await database.db.selectFrom("invites").select("id").execute()).length;
    } finally {
      await database.close();
    }
  }

  it("refuses choices Mastodon does not offer with a sentence, and makes nothing", async () => {
    const badExpiry = await runHearth(["invite", "--data-dir", dataDir.path, "--expires", "2w"]);
    expect(badExpiry.code).toBe(1);
    expect(badExpiry.stderr).toContain("--expires takes 30m, 1h, 6h, 12h, 1d, 7d, never");
    const badUses = await runHearth(["invite", "--data-dir", dataDir.path, "--uses", "7"]);
    expect(badUses.code).toBe(1);
    expect(badUses.stderr).toContain("1, 5, 10, 25, 50, 100");
    const notSetUp = makeTempDir("cli-invite-empty");
    try {
      const refused = await runHearth(["invite", "--data-dir", notSetUp.path]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("not set up yet");
    } finally {
      notSetUp.remove();
    }
    expect(await inviteCount()).toBe(0);
  });

  it("prints the public link last, beside a running serve, which takes the code at once", async () => {
    const serving = await serveHearth(["--data-dir", dataDir.path]);
    try {
      const made = await runHearth(["invite", "--data-dir", dataDir.path, "--uses", "5", "--expires", "1d"]);
      expect(made.stderr).toBe("");
      expect(made.code).toBe(0);
      const lastLine = made.stdout.trimEnd().split("\n").at(-1) ?? "";
      expect(lastLine).toMatch(/^https:\/\/home\.example\/invite\/[A-Za-z0-9]{12}$/);
      expect(made.stdout).toContain("5 people");
      const code = lastLine.split("/").at(-1) ?? "";
      const answer = await fetch(`${serving.localUrl}/invite/${code}`, { headers: { Accept: "application/json" } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ invite_code: code, instance_api_url: "https://home.example/api/v2/instance" });
      const instance = (await (await fetch(`${serving.localUrl}/api/v1/instance`)).json()) as { invites_enabled: boolean };
      expect(instance.invites_enabled).toBe(true);
    } finally {
      await serving.stop();
    }
  });
});
