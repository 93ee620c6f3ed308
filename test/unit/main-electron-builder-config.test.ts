import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import type { Configuration } from "electron-builder";
import { describe, expect, it } from "vitest";

// electron-builder checks its configuration against its JSON schema (app-builder-lib's scheme.json) before
// building; these are the same two functions it calls, run here without building or downloading anything.
const root = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require("app-builder-lib/out/util/config/config.js") as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require("builder-util") as { DebugLogger: new (isEnabled: boolean) => unknown };

const { resolveFunction } = require("app-builder-lib/out/util/resolve.js") as {
  resolveFunction(type: string | undefined, executor: unknown, name: string, rootSearchDir: string): Promise<unknown>;
};

const validate = (config: Configuration) => validateConfiguration(config, new DebugLogger(false));
const load = () => getConfig(root, "electron-builder.yml", null);

function targetsOf(platform: Configuration["mac"] | Configuration["win"] | Configuration["linux"]): unknown {
  return platform?.target;
}

describe("electron-builder.yml", () => {
  it("is valid for electron-builder", async () => {
    await expect(validate(await load())).resolves.toBeUndefined();
  });

  it("would be caught if it were not (the check can fail)", async () => {
    const config = await load();
    await expect(validate({ ...config, mac: { ...config.mac, notAnOption: true } as Configuration["mac"] })).rejects.toThrow(/configuration\.mac/);
    await expect(validate({ ...config, electronFuses: { runAsNode: "no" } as unknown as Configuration["electronFuses"] })).rejects.toThrow(/electronFuses/);
  });

  it("builds a universal dmg, an NSIS installer, an AppImage and a deb, under Hearth's app id", async () => {
    const config = await load();
    expect(config.appId).toBe("social.hearth.desktop");
    expect(config.productName).toBe("Hearth");
    expect(targetsOf(config.mac)).toEqual([{ target: "dmg", arch: ["universal"] }]);
    expect(targetsOf(config.win)).toEqual(["nsis"]);
    expect(targetsOf(config.linux)).toEqual(["AppImage", "deb"]);
  });

  it("carries the shell, the renderer and the compiled server, and unpacks the native addons from the asar", async () => {
    const config = await load();
    // electron-builder merges the plain patterns into one file set; the compiled server is a set of its own.
    const sets = (Array.isArray(config.files) ? config.files : [config.files]).map((set) => (typeof set === "string" ? { filter: [set] } : set));
    const patterns = sets.filter((set) => set?.from === undefined).flatMap((set) => set?.filter ?? []);
    expect(patterns).toEqual(expect.arrayContaining(["package.json", "main/dist/**", "main/assets/**", "renderer/dist/**", "server/http/assets/**"]));
    expect(patterns).toContain("!node_modules/cloudflared/bin/**");
    expect(sets).toContainEqual({ from: "dist/server-build", to: "server", filter: ["**/*.js", "assets/**"] });
    expect(config.beforePack).toBe("./build/compile-server.mjs");
    // Loaded the way electron-builder loads hooks (not run: it compiles the whole server).
    expect(typeof (await resolveFunction("module", config.beforePack, "beforePack", root))).toBe("function");
    expect(config.asarUnpack).toContain("node_modules/better-sqlite3/prebuilds/**");
    // N-API prebuilds serve Electron as they are: nothing to rebuild, for every packaged platform.
    expect(config.npmRebuild).toBe(false);
    for (const prebuild of ["darwin-x64", "darwin-arm64", "win32-x64", "linux-x64", "linux-arm64"]) {
      expect(existsSync(`${root}/node_modules/better-sqlite3/prebuilds/${prebuild}.node`)).toBe(true);
    }
  });

  it("flips the fuses Electron's security checklist names, and has no update server unless one is configured", async () => {
    const config = await load();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.publish).toBeNull();
  });

  it("has its icons: a 1024 px app icon, the Linux set, the tray images", async () => {
    const config = await load();
    expect(config.mac?.icon).toBe("build/icon.png");
    expect(await sharp(`${root}/build/icon.png`).metadata()).toMatchObject({ width: 1024, height: 1024, format: "png" });
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(await sharp(`${root}/build/icons/${size}x${size}.png`).metadata()).toMatchObject({ width: size, height: size });
    }
    for (const file of ["icon.png", "tray.png", "tray@2x.png", "trayTemplate.png", "trayTemplate@2x.png"]) expect(existsSync(`${root}/main/assets/${file}`)).toBe(true);
  });
});
