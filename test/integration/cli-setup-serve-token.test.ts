import { writeFileSync, readFileSync, existsSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { createRestAPIClient, MastoHttpError } from "masto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { runHearth, serveHearth, type ServingHearth } from "../helpers/hearth-cli.ts";

describe("the hearth command: setup, serve, token", () => {
  let dataDir: { path: string; remove(): void };
  let serving: ServingHearth | undefined;

  beforeEach(() => {
    dataDir = makeTempDir("cli");
  });
  afterEach(async () => {
    await serving?.stop();
    serving = undefined;
    dataDir.remove();
  });

  async function setUp(username = "alice") {
    const result = await runHearth(
      ["setup", "--data-dir", dataDir.path, "--username", username, "--password-stdin", "--public-url", "https://hearth.example", "--display-name", "Alice"],
      { stdin: "correct horse battery staple\n" },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`@${username}@hearth.example is the owner`);
  }

  it("proves a printed token end to end: verify_credentials answers with the owner through masto", async () => {
    await setUp();
    // Before serving: a directory is opened by one process at a time.
    const token = await runHearth(["token", "--data-dir", dataDir.path, "--scopes", "read write"]);
    expect(token.code).toBe(0);
    const accessToken = token.stdout.trim();
    expect(accessToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    serving = await serveHearth(["--data-dir", dataDir.path]);
    const health = await fetch(`${serving.localUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", setUp: true });

    const masto = createRestAPIClient({ url: serving.localUrl, accessToken });
    const me = await masto.v1.accounts.verifyCredentials();
    expect(me.username).toBe("alice");
    expect(me.acct).toBe("alice");
    expect(me.displayName).toBe("Alice");
    expect(me.url).toBe("https://hearth.example/@alice");
    expect(me.id).toMatch(/^\d{18}$/);
    expect(me.avatar).toBe("https://hearth.example/avatars/original/missing.png");
    expect(me.source.privacy).toBe("public");
    expect(me.role?.name).toBe("Owner");
    expect(me.createdAt).toMatch(/^\d{4}-\d\d-\d\dT00:00:00\.000Z$/);

    // The default avatar the entity points at is served (through the local address).
    const avatar = await fetch(`${serving.localUrl}/avatars/original/missing.png`);
    expect(avatar.headers.get("content-type")).toBe("image/png");

    // The token itself is not in the database, only its hash.
    expect(readFileSync(join(dataDir.path, "hearth.db")).includes(Buffer.from(accessToken))).toBe(false);
  });

  it("answers a wrong token with 401 and Mastodon's error body", async () => {
    await setUp();
    serving = await serveHearth(["--data-dir", dataDir.path]);
    const masto = createRestAPIClient({ url: serving.localUrl, accessToken: "not-a-token" });
    const error = await masto.v1.accounts.verifyCredentials().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MastoHttpError);
    expect((error as MastoHttpError).statusCode).toBe(401);
    expect((error as MastoHttpError).message).toBe("The access token is invalid");

    const response = await fetch(`${serving.localUrl}/api/v1/accounts/verify_credentials`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "The access token is invalid" });
  });

  it("refuses a token whose scopes do not cover the endpoint", async () => {
    await setUp();
    const token = (await runHearth(["token", "--data-dir", dataDir.path, "--scopes", "write:statuses"])).stdout.trim();
    serving = await serveHearth(["--data-dir", dataDir.path]);
    const response = await fetch(`${serving.localUrl}/api/v1/accounts/verify_credentials`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "This action is outside the authorized scopes" });
  });

  it("keeps its data across a restart and stops cleanly on SIGTERM and SIGINT", async () => {
    await setUp();
    const token = (await runHearth(["token", "--data-dir", dataDir.path])).stdout.trim();
    serving = await serveHearth(["--data-dir", dataDir.path]);
    expect(await serving.stop("SIGTERM")).toBe(0);
    expect(existsSync(join(dataDir.path, "hearth.lock"))).toBe(false);

    serving = await serveHearth(["--data-dir", dataDir.path]);
    const me = await createRestAPIClient({ url: serving.localUrl, accessToken: token }).v1.accounts.verifyCredentials();
    expect(me.username).toBe("alice");
    expect(await serving.stop("SIGINT")).toBe(0);
    serving = undefined;
    expect(readFileSync(join(dataDir.path, "logs", "hearth.log"), "utf8")).toContain("Hearth stopped; the database is closed.");
  });

  it("refuses to set up a directory twice and keeps the first owner", async () => {
    await setUp("alice");
    const again = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "mallory", "--password-stdin"], {
      stdin: "another long password\n",
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("hearth: This data directory is already set up; Hearth will not set it up twice.\n");
    expect((await runHearth(["token", "--data-dir", dataDir.path, "--username", "mallory"])).code).toBe(1);
    expect((await runHearth(["token", "--data-dir", dataDir.path, "--username", "alice"])).code).toBe(0);
  });

  it("gives one clear sentence and a non-zero exit for bad input", async () => {
    const cases: Array<{ args: string[]; stdin?: string; message: RegExp }> = [
      { args: ["token", "--data-dir", dataDir.path], message: /is not set up yet; run `hearth setup` first\.\n$/ },
      { args: ["setup", "--data-dir", dataDir.path, "--username", "bob", "--password-stdin"], stdin: "short\n", message: /password is too short/ },
      { args: ["setup", "--data-dir", dataDir.path, "--username", "bob", "--password-stdin"], stdin: "", message: /No password arrived on standard input/ },
      { args: ["setup", "--data-dir", dataDir.path, "--username", "bad name!", "--password-stdin"], stdin: "long enough password\n", message: /cannot be a username/ },
      { args: ["setup", "--data-dir", dataDir.path, "--username", "bob"], message: /needs --password-stdin/ },
      { args: ["setup", "--data-dir", dataDir.path, "--username", "bob", "--password-stdin", "--public-url", "ftp://x"], stdin: "long enough password\n", message: /is not a web address/ },
      { args: ["serve", "--data-dir", dataDir.path, "--port", "99999"], message: /is not a port number/ },
      { args: ["serve", "--data-dir", dataDir.path, "--tunnel", "sideways"], message: /is not a tunnel mode/ },
      { args: ["serve", "--bogus"], message: /Unknown option '--bogus'.*Usage: hearth serve/ },
      { args: ["frobnicate"], message: /"frobnicate" is not a hearth command/ },
    ];
    for (const { args, stdin, message } of cases) {
      const result = await runHearth(args, { stdin });
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr, args.join(" ")).toMatch(message);
      expect(result.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
    }
    const never = join(dataDir.path, "never-set-up");
    expect((await runHearth(["token", "--data-dir", never])).stderr).toMatch(/is not set up yet/);
    expect(existsSync(never)).toBe(false);

    await setUp("bob");
    const token = await runHearth(["token", "--data-dir", dataDir.path, "--username", "nobody"]);
    expect(token.stderr).toBe("hearth: There is no local account named nobody on this instance.\n");
    const scopes = await runHearth(["token", "--data-dir", dataDir.path, "--scopes", "read everything"]);
    expect(scopes.stderr).toMatch(/Unknown scope everything/);
  });

  it("refuses a hearth.db that is not a SQLite file without touching it", async () => {
    const path = join(dataDir.path, "hearth.db");
    writeFileSync(path, "my tax return, not a database");
    const result = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "bob", "--password-stdin"], { stdin: "long enough password\n" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not a Hearth database \(not a SQLite file\)/);
    expect(readFileSync(path, "utf8")).toBe("my tax return, not a database");
  });

  it("refuses a data directory that cannot be created", async () => {
    const file = join(dataDir.path, "a-file");
    writeFileSync(file, "");
    const result = await runHearth(["serve", "--data-dir", join(file, "hearth"), "--port", "0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hearth: Cannot create the data directory .*a-file\/hearth: /);
  });

  // Root may write anywhere, so this one only means something for an ordinary user.
  it.skipIf(process.getuid?.() === 0)("refuses a data directory it cannot write", async () => {
    chmodSync(dataDir.path, 0o500);
    const result = await runHearth(["serve", "--data-dir", dataDir.path, "--port", "0"]);
    chmodSync(dataDir.path, 0o700);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not writable/);
  });

  it("refuses a port that is in use, and a second server on the same data directory", async () => {
    await setUp();
    serving = await serveHearth(["--data-dir", dataDir.path]);
    const port = new URL(serving.localUrl).port;
    const other = makeTempDir("cli-other");
    try {
      const busy = await runHearth(["serve", "--data-dir", other.path, "--port", port]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      other.remove();
    }
    const twice = await runHearth(["serve", "--data-dir", dataDir.path, "--port", "0"]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/Another Hearth \(process \d+\) is already serving/);
  });
});
