import { createRestAPIClient, type MastoHttpError } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCliToken } from "../../server/core/auth/tokens.ts";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

const PERIOD_SECONDS = 300;

describe("Rate limits: X-RateLimit headers, then 429", () => {
  let group: InstanceGroup;
  let hearth: TestInstance;

  beforeAll(async () => {
    group = await startInstances([
      {
        username: "alice",
        options: {
          rateLimits: {
            api: { limit: 3, periodSeconds: PERIOD_SECONDS },
            signIn: { limit: 2, periodSeconds: PERIOD_SECONDS },
            mediaUploads: { limit: 1, periodSeconds: 1800 },
          },
        },
      },
    ]);
    hearth = group.instances[0]!;
  });
  afterAll(() => group?.close());

  /** A request as it arrives through the tunnel: cloudflared, on the tunnel's own listener, names the visitor in Cf-Connecting-IP. */
  function fromVisitor(address: string, path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Cf-Connecting-IP", address);
    if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
    return fetch(`${hearth.running.tunnelServiceUrl}${path}`, { ...init, headers });
  }

  async function newToken(): Promise<string> {
    return (await issueCliToken(hearth.core, hearth.owner.id, ["read", "write"])).token;
  }

  it("counts down per client address without a token, then answers 429 as Mastodon does", async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await fromVisitor("203.0.113.7", "/api/v1/instance"));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get("x-ratelimit-remaining"))).toEqual(["2", "1", "0", "0"]);
    expect(answers.every((answer) => answer.headers.get("x-ratelimit-limit") === "3")).toBe(true);

    // Every answer in a window names the same reset: the end of the 5-minute window it falls in.
    const resets = new Set(answers.map((answer) => answer.headers.get("x-ratelimit-reset")));
    expect(resets.size).toBe(1);
    const reset = Date.parse([...resets][0]!);
    expect(reset % (PERIOD_SECONDS * 1000)).toBe(0);
    expect(reset).toBeGreaterThan(Date.now());
    expect(reset - Date.now()).toBeLessThanOrEqual(PERIOD_SECONDS * 1000);

    const refused = answers[3]!;
    expect(refused.headers.get("content-type")).toContain("application/json");
    expect(await refused.json()).toEqual({ error: "Too many requests" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    // Another visitor has their own allowance; this computer itself is never limited.
    expect((await fromVisitor("203.0.113.8", "/api/v1/instance")).status).toBe(200);
    const local = await fetch(`${hearth.url}/api/v1/instance`);
    expect(local.status).toBe(200);
    expect(local.headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("counts per access token, whatever the address, and masto sees the 429", async () => {
    const token = await newToken();
    for (const address of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      const answer = await fromVisitor(address, "/api/v1/accounts/verify_credentials", { token });
      expect(answer.status).toBe(200);
    }
    const client = createRestAPIClient({ url: hearth.running.tunnelServiceUrl, accessToken: token, requestInit: { headers: { "Cf-Connecting-IP": "198.51.100.4" } } });
    const error = (await client.v1.accounts.verifyCredentials().catch((caught: unknown) => caught)) as MastoHttpError;
    expect(error.statusCode).toBe(429);
    expect(error.message).toBe("Too many requests");

    const other = await fromVisitor("198.51.100.1", "/api/v1/accounts/verify_credentials", { token: await newToken() });
    expect(other.status).toBe(200);
    expect(other.headers.get("x-ratelimit-remaining")).toBe("2");
  });

  it("lets browser clients read the headers (CORS exposes them)", async () => {
    const answer = await fromVisitor("192.0.2.50", "/api/v1/instance", { headers: { Origin: "https://elk.example" } });
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = (answer.headers.get("access-control-expose-headers") ?? "").split(/,\s*/).map((name) => name.toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(["link", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]));
  });

  it("limits media uploads more tightly, and the headers show the tighter limit", async () => {
    const token = await newToken();
    const upload = () => fromVisitor("192.0.2.60", "/api/v2/media", { token, method: "POST", body: new FormData() });
    const first = await upload();
    expect(first.status).not.toBe(429);
    expect(first.headers.get("x-ratelimit-limit")).toBe("1");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("0");
    const second = await upload();
    expect(second.status).toBe(429);
    // Other requests of the same token still have their own allowance.
    const read = await fromVisitor("192.0.2.60", "/api/v1/accounts/verify_credentials", { token });
    expect(read.status).toBe(200);
    expect(read.headers.get("x-ratelimit-limit")).toBe("3");
  });

  it("slows down password guessing on the sign-in form, per address", async () => {
    const signIn = () =>
      fromVisitor("203.0.113.99", "/oauth/authorize", { method: "POST", body: new URLSearchParams({ username: "alice", password: "guess" }), redirect: "manual" });
    expect((await signIn()).status).not.toBe(429);
    expect((await signIn()).status).not.toBe(429);
    const refused = await signIn();
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/^Too many sign-in attempts from your address\. Try again in \d+ minutes?\.$/);
    // Showing the form is not an attempt.
    expect((await fromVisitor("203.0.113.99", "/oauth/authorize", { redirect: "manual" })).status).not.toBe(429);
  });
});
