import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalAccountByUsername } from "../../server/core/accounts/accounts.ts";
import type { Clock } from "../../server/core/clock.ts";
import type { RateLimits } from "../../server/http/rate-limit.ts";
import { addLocalAccount, apiUser, jsonBody } from "../helpers/api-accounts.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";
import { waitFor } from "../helpers/wait-for.ts";

const PASSWORD = "correct horse battery staple";
const REDIRECT = "hearthtest://oauth-callback";
const STAND_IN = new URL("../fixtures/cloudflared-stand-in.mjs", import.meta.url).pathname;
const TUNNEL_TIMING = { initialBackoffMs: 50, maxBackoffMs: 200, readyPollMs: 100, connectionLossGraceMs: 300, connectTimeoutMs: 20_000, stopTimeoutMs: 2_000 };

/**
 * A clock the test can move forward: waits of a quarter of an hour pass in no time. It starts at the start of a
 * five-minute window: the address limit counts in fixed windows aligned to the epoch (http/rate-limit.ts), and a
 * test that crossed into the next one saw its count start again (CI: four 401s before the 429, once).
 */
function movableClock(): Clock & { advance(ms: number): void } {
  const windowMs = 5 * 60 * 1000;
  let offsetMs = windowMs - (Date.now() % windowMs);
  return { now: () => new Date(Date.now() + offsetMs), advance: (ms) => void (offsetMs += ms) };
}

/** An app registered as a person's client would do it, from this computer. */
async function registerApp(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/apps`, jsonBody("POST", { client_name: "Guesser", redirect_uris: REDIRECT, scopes: "read" }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { client_id: string }).client_id;
}

/** The consent form as a browser posts it, to `base` (the main listener, or the tunnel's public side). */
function postSignIn(base: string, clientId: string, username: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  const form = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: REDIRECT, scope: "read", decision: "allow", username, password });
  return fetch(`${base}/oauth/authorize`, { method: "POST", body: form, headers, redirect: "manual" });
}

/** What the page says to the person, without the markup. */
async function alertOf(response: Response): Promise<string> {
  const html = await response.text();
  return /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? html;
}

describe("sign-in limits on the main listener: forwarded headers are not believed there", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let clientId: string;

  beforeAll(async () => {
    // The account limit is set out of the way here, so that what stops the guesser is the address limit alone.
    const rateLimits: Partial<RateLimits> = { signIn: { limit: 3, periodSeconds: 300 }, signInAccount: { limit: 1000, periodSeconds: 900 } };
    group = await startInstances([{ username: "alice", options: { rateLimits } }]);
    hearth = group.instances[0]!;
    clientId = await registerApp(hearth.url);
  });
  afterAll(() => group?.close());

  it("stops 100 wrong passwords that each claim a new address in X-Forwarded-For, Forwarded or Cf-Connecting-IP", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 100; i++) {
      const address = `198.51.100.${i + 1}`;
      const claims: Array<Record<string, string>> = [{ "X-Forwarded-For": address }, { Forwarded: `for=${address}` }, { "Cf-Connecting-IP": address }];
      const claim = claims[i % 3]!;
      const answer = await postSignIn(hearth.url, clientId, "alice", `guess ${i}`, claim);
      statuses.push(answer.status);
      if (answer.status === 429) refused ??= answer;
      else await answer.body?.cancel();
      // Each guess checked costs a password hash: past the limit, one that gets through is the failure itself.
      if (i >= 3 && answer.status !== 429) break;
    }
    // This computer's socket address is the client, whatever the headers say: 3 guesses checked, then no more.
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual(Array.from({ length: 97 }, () => 429));
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused?.headers.get("retry-after"))).toBeLessThanOrEqual(300);
    expect(await refused?.text()).toMatch(/^Too many sign-in attempts from your address\. Try again in \d+ minutes?\.$/);
  });
});

describe("sign-in limits through Hearth's own cloudflared (the stand-in), and per account", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;
  let clientId: string;
  let publicSide: string;
  const clock = movableClock();
  // Small, because every password checked costs a real scrypt hash.
  const ADDRESS_LIMIT = 3;
  const ACCOUNT_LIMIT = 2;

  /** A visitor on the internet, as Cloudflare names them (the stand-in writes Cf-Connecting-IP from this). */
  const visitor = (address: string, headers: Record<string, string> = {}) => ({ "X-Stand-In-Client-Ip": address, ...headers });

  beforeAll(async () => {
    const rateLimits: Partial<RateLimits> = {
      signIn: { limit: ADDRESS_LIMIT, periodSeconds: 300 },
      signInAccount: { limit: ACCOUNT_LIMIT, periodSeconds: 900 },
    };
    group = await startInstances([
      { username: "alice", options: { rateLimits, clock, tunnel: { mode: "quick", cloudflaredBin: STAND_IN, timing: TUNNEL_TIMING } } },
    ]);
    hearth = group.instances[0]!;
    for (const member of ["bob", "carol", "dave", "erin"]) await addLocalAccount(hearth.core, member);
    await waitFor(() => hearth.running.tunnel.status().state === "connected", { timeoutMs: 20_000, what: "the tunnel to connect" });
    const statePath = join(hearth.dataDir, "tunnel", "stand-in.json");
    publicSide = await waitFor(() => existsSync(statePath) && (JSON.parse(readFileSync(statePath, "utf8")) as { forwardUrl: string }).forwardUrl, {
      what: "the stand-in's forwarding address",
    });
    clientId = await registerApp(hearth.url);
  });
  afterAll(() => group?.close());

  it("gives cloudflared the tunnel's own listener, not the main one", () => {
    expect(hearth.running.tunnelServiceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(hearth.running.tunnelServiceUrl).not.toBe(hearth.url);
    const statePath = join(hearth.dataDir, "tunnel", "stand-in.json");
    const argv = (JSON.parse(readFileSync(statePath, "utf8")) as { argv: string[] }).argv;
    expect(argv.slice(-2)).toEqual(["--url", hearth.running.tunnelServiceUrl]);
  });

  it("names each visitor by Cloudflare's Cf-Connecting-IP: one meets the address limit, another keeps their own allowance", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ADDRESS_LIMIT + 2; i++) {
      // Unknown usernames, so that no account's limit plays a part; the visitor's own claims are overwritten by Cloudflare.
      const answer = await postSignIn(publicSide, clientId, `nobody${i}`, "guess", visitor("203.0.113.10", { "Cf-Connecting-IP": `192.0.2.${i}`, "X-Forwarded-For": `192.0.2.${i}` }));
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(await answer.text()).toMatch(/^Too many sign-in attempts from your address\./);
      } else await answer.body?.cancel();
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);

    // Another visitor through the same tunnel has an allowance of their own.
    const other = await postSignIn(publicSide, clientId, "nobody", "guess", visitor("203.0.113.11"));
    expect(other.status).toBe(401);
    expect(await alertOf(other)).toBe("Wrong username or password.");
  });

  it("limits wrong passwords per account from any address, refusing even the right password until the wait ends", async () => {
    // The right password works before the limit.
    const early = await postSignIn(publicSide, clientId, "alice", PASSWORD, visitor("203.0.113.20"));
    expect(early.status).toBe(302);
    expect(early.headers.get("location")).toMatch(/^hearthtest:\/\/oauth-callback\?code=/);

    for (const [i, address] of ["203.0.113.21", "203.0.113.22"].entries()) {
      const wrong = await postSignIn(publicSide, clientId, "alice", `guess ${i}`, visitor(address));
      expect(wrong.status).toBe(401);
      await wrong.body?.cancel();
    }
    // A fresh address, and the right password: still refused, with the wait and a sentence to act on.
    const locked = await postSignIn(publicSide, clientId, "alice", PASSWORD, visitor("203.0.113.24"));
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(await alertOf(locked)).toBe(
      "Too many wrong passwords for alice lately, so signing in to it is paused for everyone. Try again in 15 minutes; the owner can see the failed attempts in Hearth's settings.",
    );
    // From this computer too: the lock is the account's.
    expect((await postSignIn(hearth.url, clientId, "alice", PASSWORD)).status).toBe(429);

    // Other accounts are not held up by alice's.
    const bob = await postSignIn(publicSide, clientId, "bob", PASSWORD, visitor("203.0.113.25"));
    expect(bob.status).toBe(302);

    clock.advance(retryAfter * 1000);
    const after = await postSignIn(publicSide, clientId, "alice", PASSWORD, visitor("203.0.113.26"));
    expect(after.status).toBe(302);
  });

  it("clears no count when someone signs in between guesses", async () => {
    // A guesser with an account of their own (carol) signs into it between guesses at dave's: the address still fills up.
    const statuses: number[] = [];
    for (let i = 0; i < ADDRESS_LIMIT + 1; i++) {
      const [username, password] = i % 2 === 0 ? ["carol", PASSWORD] : ["dave", `guess ${i}`];
      const answer = await postSignIn(publicSide, clientId, username, password, visitor("203.0.113.30"));
      statuses.push(answer.status);
      await answer.body?.cancel();
    }
    expect(statuses).toEqual([302, 401, 302, 429]);

    // And erin's own right password between wrong ones does not forgive them: the second failure locks the account.
    const sequence: Array<[string, number]> = [
      ["guess a", 401],
      [PASSWORD, 302],
      ["guess b", 401],
      [PASSWORD, 429],
    ];
    const seen: number[] = [];
    for (const [i, [password]] of sequence.entries()) {
      const answer = await postSignIn(publicSide, clientId, "erin", password, visitor(`203.0.113.${31 + i}`));
      seen.push(answer.status);
      await answer.body?.cancel();
    }
    expect(seen).toEqual(sequence.map(([, status]) => status));
  });

  it("checks no more than the limit's worth of guesses sent all at once", async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => postSignIn(publicSide, clientId, "bob", `guess ${i}`, visitor(`198.51.100.${100 + i}`))),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    await Promise.all(answers.map((answer) => answer.body?.cancel()));
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429, 429, 429, 429, 429]);
  });

  it("shows the owner the failed sign-ins (time, address, user agent, username), and nobody else", async () => {
    const answer = await postSignIn(publicSide, clientId, "alice", "one more guess", visitor("203.0.113.99", { "User-Agent": "GuessBot/1.0" }));
    expect(answer.status).toBe(401);

    const owner = await apiUser(hearth.core, hearth.url, hearth.owner, ["read"]);
    const listed = await owner.request("/api/hearth/sign_in_failures");
    expect(listed.status).toBe(200);
    expect(listed.headers.get("cache-control")).toBe("no-store");
    const failures = (await listed.json()) as Array<{ id: string; created_at: string; username: string; address: string; user_agent: string | null }>;
    expect(failures[0]).toEqual({ id: expect.any(String), created_at: expect.any(String), username: "alice", address: "203.0.113.99", user_agent: "GuessBot/1.0" });
    expect(Number.isNaN(Date.parse(failures[0]!.created_at))).toBe(false);
    const ids = failures.map((failure) => Number(failure.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // Names as typed, and addresses as Cloudflare gave them (never the 192.0.2.x the guesser claimed).
    expect(failures.map((failure) => failure.username)).toEqual(expect.arrayContaining(["nobody0", "nobody", "dave", "erin", "bob"]));
    expect(failures.some((failure) => failure.address === "203.0.113.10")).toBe(true);
    expect(failures.some((failure) => failure.address.startsWith("192.0.2."))).toBe(false);

    const bob = await findLocalAccountByUsername(hearth.core, "bob");
    const member = await apiUser(hearth.core, hearth.url, bob!, ["read"]);
    const refused = await member.request("/api/hearth/sign_in_failures");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "Only the owner of this instance can see its failed sign-ins." });
    expect((await fetch(`${hearth.url}/api/hearth/sign_in_failures`)).status).toBe(401);
  });
});
