import { describe, expect, it } from "vitest";
import { parseScopes, scopesAllow } from "../../server/core/auth/scopes.ts";

describe("OAuth scopes", () => {
  it("lets a top-level scope cover its granular ones, and follow cover the old follow family", () => {
    expect(scopesAllow(["read"], "read:accounts")).toBe(true);
    expect(scopesAllow(["write"], "read:accounts")).toBe(false);
    expect(scopesAllow(["read:statuses"], "read:accounts")).toBe(false);
    expect(scopesAllow(["read:accounts"], "read:accounts")).toBe(true);
    expect(scopesAllow(["follow"], "write:blocks")).toBe(true);
    expect(scopesAllow(["follow"], "write:statuses")).toBe(false);
    expect(scopesAllow(["admin:read"], "admin:read:accounts")).toBe(true);
  });

  it("parses space- or plus-separated scopes and names the unknown ones", () => {
    expect(parseScopes("read write+follow  push")).toEqual(["read", "write", "follow", "push"]);
    expect(() => parseScopes("read sudo")).toThrow(/Unknown scope sudo/);
    expect(() => parseScopes("  ")).toThrow(/No scopes were given/);
  });
});
