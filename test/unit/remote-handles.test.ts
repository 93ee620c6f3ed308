import { describe, expect, it } from "vitest";
import { parseHandle } from "../../server/core/accounts/remote-accounts.ts";
import { isPrivateHost } from "../../server/federation/private-hosts.ts";

describe("handles and the hosts they name", () => {
  it("parses name@host with or without the leading @, keeping a port", () => {
    expect(parseHandle("@Bob@Social.Example")).toEqual({ username: "Bob", domain: "social.example" });
    expect(parseHandle("bob@127.0.0.1:8330")).toEqual({ username: "bob", domain: "127.0.0.1:8330" });
    expect(() => parseHandle("bob")).toThrow(/not a fediverse handle/);
    expect(() => parseHandle("bob@host/path")).toThrow(/not a fediverse handle/);
  });

  it("knows loopback and private networks from public hosts", () => {
    for (const host of ["127.0.0.1:8330", "localhost:3000", "10.1.2.3", "192.168.1.10", "172.20.0.1", "[::1]:8330", "[fd00::1]"]) {
      expect(isPrivateHost(host), host).toBe(true);
    }
    for (const host of ["social.example", "8.8.8.8", "172.32.0.1", "[2001:db8::1]"]) {
      expect(isPrivateHost(host), host).toBe(false);
    }
  });
});
