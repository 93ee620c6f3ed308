import { describe, expect, it } from "vitest";
import { defaultDataDir, parseServeOptions } from "../../server/config.ts";

describe("serve options", () => {
  it("default to loopback on 8330 with no tunnel", () => {
    const options = parseServeOptions([], { HOME: "/home/ada" });
    expect(options).toMatchObject({ host: "127.0.0.1", port: 8330, tunnel: undefined, allowPrivateNetwork: false, publicUrl: undefined });
    expect(options.dataDir).toBe("/home/ada/.local/share/hearth");
  });

  it("take the environment, and flags over the environment", () => {
    const env = { HEARTH_DATA_DIR: "/srv/h", HEARTH_PORT: "9000", HEARTH_HOST: "::1", HEARTH_PUBLIC_URL: "https://a.example", HEARTH_TUNNEL: "quick" };
    expect(parseServeOptions([], env)).toMatchObject({ dataDir: "/srv/h", port: 9000, host: "::1", publicUrl: "https://a.example", tunnel: "quick" });
    expect(parseServeOptions(["--port", "9001", "--allow-private-network"], env)).toMatchObject({ port: 9001, allowPrivateNetwork: true });
  });

  it("take a named tunnel's token from the environment only, never from a flag", () => {
    const env = { HEARTH_TUNNEL: "named", HEARTH_TUNNEL_TOKEN: "eyJhIjoi", HEARTH_TUNNEL_HOSTNAME: "social.example", CLOUDFLARED_BIN: "/opt/cf" };
    expect(parseServeOptions([], env)).toMatchObject({ tunnel: "named", tunnelToken: "eyJhIjoi", tunnelHostname: "social.example", cloudflaredBin: "/opt/cf" });
    expect(parseServeOptions(["--tunnel-hostname", "other.example"], env)).toMatchObject({ tunnelHostname: "other.example" });
    expect(() => parseServeOptions(["--tunnel-token", "eyJhIjoi"], {})).toThrow(/Unknown option '--tunnel-token'/);
  });

  it("use each platform's application-data folder", () => {
    expect(defaultDataDir({ HOME: "/Users/ada" }, "darwin")).toBe("/Users/ada/Library/Application Support/Hearth");
    expect(defaultDataDir({ HOME: "/home/ada", XDG_DATA_HOME: "/data" }, "linux")).toBe("/data/hearth");
    expect(defaultDataDir({ USERPROFILE: "C:\\Users\\ada", APPDATA: "C:\\Users\\ada\\AppData\\Roaming" }, "win32")).toMatch(/Roaming.Hearth$/);
  });
});
