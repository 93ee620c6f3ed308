import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstances, type InstanceGroup, type TestInstance } from "../helpers/instances.ts";

/**
 * What a browser client (Phanpy, Elk) reads before it signs in, from its own origin: without CORS on the
 * OAuth server's metadata it cannot see that PKCE is offered, and signs in without a code challenge.
 */
describe("discovery documents answer browser clients of any origin", () => {
  let group: InstanceGroup | undefined;
  let home: TestInstance;
  beforeAll(async () => {
    group = await startInstances([{ username: "alice" }]);
    [home] = group.instances as [TestInstance];
  });
  afterAll(() => group?.close());

  it("the OAuth server metadata, WebFinger, host-meta and NodeInfo carry Access-Control-Allow-Origin: *", async () => {
    const paths = [
      "/.well-known/oauth-authorization-server",
      `/.well-known/webfinger?resource=acct:alice@${home.host}`,
      "/.well-known/host-meta",
      "/.well-known/nodeinfo",
      "/nodeinfo/2.0",
    ];
    for (const path of paths) {
      const response = await fetch(`${home.url}${path}`, { headers: { Origin: "https://phanpy.example" } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("access-control-allow-origin"), path).toBe("*");
    }
    const metadata = (await (await fetch(`${home.url}/.well-known/oauth-authorization-server`)).json()) as { code_challenge_methods_supported?: string[] };
    expect(metadata.code_challenge_methods_supported).toContain("S256");
  });

  it("answers a preflight for them", async () => {
    const response = await fetch(`${home.url}/.well-known/oauth-authorization-server`, {
      method: "OPTIONS",
      headers: { Origin: "https://phanpy.example", "Access-Control-Request-Method": "GET" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});
