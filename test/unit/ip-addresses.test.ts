import { describe, expect, it } from "vitest";
import { isPublicAddress } from "../../server/net/ip-addresses.ts";

describe("Which addresses are on the internet", () => {
  it("refuses loopback, private, link-local, CGNAT, multicast, unspecified and their IPv6 and IPv4-mapped forms", () => {
    for (const address of [
      "127.0.0.1",
      "127.255.0.9",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "100.127.255.255",
      "0.0.0.0",
      "224.0.0.1",
      "239.255.255.250",
      "255.255.255.255",
      "::",
      "::1",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "::ffff:c0a8:101",
      "::127.0.0.1",
      "2002:7f00:1::1",
      "64:ff9b::a00:1",
      "[::1]",
      "localhost",
      "not an address",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("accepts addresses anybody could reach (the control)", () => {
    for (const address of ["93.184.216.34", "1.1.1.1", "100.128.0.1", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "::ffff:808:808", "2002:808:808::1"]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });
});
