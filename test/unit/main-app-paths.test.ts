import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appPaths } from "../../main/app-paths.ts";

describe("the desktop shell's server module in development", () => {
  it("is the server bundle npm start names (HEARTH_SERVER_CLI)", () => {
    const bundle = join("/project", "server-bundle", "hearth.mjs");
    expect(appPaths({ appPath: "/project", isPackaged: false, platform: "linux", env: { HEARTH_SERVER_CLI: bundle } }).serverCli).toBe(bundle);
  });

  it("is the sources when npm start names none, and the packaged server once packaged", () => {
    expect(appPaths({ appPath: "/project", isPackaged: false, platform: "linux", env: {} }).serverCli).toBe(join("/project", "server", "cli.ts"));
    expect(appPaths({ appPath: "/app", isPackaged: true, platform: "linux", env: { HEARTH_SERVER_CLI: "/elsewhere.mjs" } }).serverCli).toBe(join("/app", "server", "cli.js"));
  });
});
