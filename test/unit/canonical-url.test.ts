import { describe, expect, it } from "vitest";
import { canonicalRequest } from "../../server/http/canonical-url.ts";

describe("the canonical request handed to Fedify", () => {
  it("takes the canonical scheme, host and port, and keeps path, query, method, headers and body", async () => {
    const arrived = new Request("http://127.0.0.1:8330/users/alice/inbox?x=1", {
      method: "POST",
      headers: { host: "127.0.0.1:8330", "content-type": "application/activity+json", signature: "sig" },
      body: '{"type":"Follow"}',
    });
    const canonical = canonicalRequest(arrived, "https://social.example");
    expect(canonical.url).toBe("https://social.example/users/alice/inbox?x=1");
    expect(canonical.method).toBe("POST");
    expect(canonical.headers.get("host")).toBe("social.example");
    expect(canonical.headers.get("signature")).toBe("sig");
    expect(await canonical.text()).toBe('{"type":"Follow"}');
  });

  it("leaves a request that is already canonical as it is", () => {
    const arrived = new Request("https://social.example/users/alice", { headers: { host: "social.example" } });
    expect(canonicalRequest(arrived, "https://social.example")).toBe(arrived);
  });

  it("leaves the body readable for the app when Fedify does not take the request", async () => {
    const arrived = new Request("http://q.trycloudflare.com/api/v1/statuses", { method: "POST", body: "status=hi" });
    canonicalRequest(arrived, "https://q.trycloudflare.com");
    expect(await arrived.text()).toBe("status=hi");
  });
});
