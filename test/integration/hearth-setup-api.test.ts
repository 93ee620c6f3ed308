import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalAccountByUsername, insertLocalAccount, prepareLocalAccount } from "../../server/core/accounts/accounts.ts";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import { startInstance, type RunningInstance } from "../../server/index.ts";
import { HEARTH_VERSION } from "../../server/version.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const PASSWORD = "correct horse battery staple";

describe("/api/hearth/setup and /api/hearth/info: the first-run wizard's server side", () => {
  const dataDir = makeTempDir("setup-api");
  let running: RunningInstance;
  let url: string;

  beforeAll(async () => {
    const rendererDir = join(dataDir.path, "renderer-not-built");
    mkdirSync(rendererDir, { recursive: true });
    running = await startInstance({ dataDir: dataDir.path, port: 0, rendererDir });
    url = running.localUrl;
  });
  afterAll(async () => {
    await running?.close();
    dataDir.remove();
  });

  const jsonPost = (body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const setup = (body: Record<string, unknown>, headers: Record<string, string> = {}) => fetch(`${url}/api/hearth/setup`, jsonPost(body, headers));

  it("refuses bad input with a sentence, and a request through the tunnel, while nothing is set up", async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok", setUp: false });

    const shortPassword = await setup({ username: "alice", password: "short" });
    expect(shortPassword.status).toBe(422);
    expect(await shortPassword.json()).toEqual({ error: "The password is too short: use at least 8 characters." });
    const badName = await setup({ username: "al ice", password: PASSWORD });
    expect(badName.status).toBe(422);
    expect(((await badName.json()) as { error: string }).error).toContain("cannot be a username");
    const noName = await setup({ password: PASSWORD });
    expect(noName.status).toBe(422);
    const longDisplayName = await setup({ username: "alice", password: PASSWORD, display_name: "x".repeat(31) });
    expect(longDisplayName.status).toBe(422);

    // cloudflared adds Cf-Connecting-IP to everything it forwards: a stranger on the public address cannot claim the server.
    const throughTunnel = await setup({ username: "mallory", password: PASSWORD }, { "Cf-Connecting-IP": "203.0.113.9" });
    expect(throughTunnel.status).toBe(403);
    // The tunnel's own listener is the internet's door, with or without the header.
    const tunnelDoor = await fetch(`${running.tunnelServiceUrl}/api/hearth/setup`, jsonPost({ username: "mallory", password: PASSWORD }));
    expect(tunnelDoor.status).toBe(403);

    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok", setUp: false });
  });

  it("creates the owner once and answers 409 afterwards", async () => {
    const created = await setup({ username: "alice", password: PASSWORD, display_name: " Alice Liddell " });
    expect(created.status).toBe(200);
    const { account } = (await created.json()) as { account: { username: string; acct: string; display_name: string; url: string } };
    expect(account).toMatchObject({ username: "alice", acct: "alice", display_name: "Alice Liddell", url: `${url}/@alice` });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok", setUp: true });

    const again = await setup({ username: "bob", password: PASSWORD });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: "This Hearth is already set up; sign in instead." });
    expect(await findLocalAccountByUsername(running.core, "bob")).toBeUndefined();
  });

  it("tells the owner, and only the owner, the data directory and version", async () => {
    const owner = await findLocalAccountByUsername(running.core, "alice");
    const ownerToken = (await issueCliToken(running.core, owner!.id, ["read"])).token;
    const prepared = await prepareLocalAccount({ username: "bob", password: PASSWORD, role: "member" });
    const bob = await running.core.db.transaction().execute((trx) => insertLocalAccount(running.core, trx, prepared));
    const memberToken = (await issueCliToken(running.core, bob.id, ["read"])).token;

    const info = await fetch(`${url}/api/hearth/info`, { headers: { Authorization: `Bearer ${ownerToken}` } });
    expect(info.status).toBe(200);
    expect(await info.json()).toEqual({ data_directory: dataDir.path, version: HEARTH_VERSION });

    const member = await fetch(`${url}/api/hearth/info`, { headers: { Authorization: `Bearer ${memberToken}` } });
    expect(member.status).toBe(403);
    expect((await fetch(`${url}/api/hearth/info`)).status).toBe(401);
  });
});
