import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { updatePolicy } from "../../main/auto-update.ts";
import { linuxAutostartEntry, startAtLogin, type LoginItemApp } from "../../main/login-item.ts";
import { ensureOwnerToken, preferencesTokenStore, type TokenCipher } from "../../main/owner-token.ts";
import { parsePreferences, preferencesFile } from "../../main/shell-preferences.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

let dir: { path: string; remove(): void };
beforeEach(() => {
  dir = makeTempDir("shell-settings");
});
afterEach(() => dir.remove());

/** A stand-in for Electron's safeStorage: reversible, and visibly not the plain token. */
const keychain: TokenCipher = {
  isAvailable: () => true,
  encrypt: (text) => Buffer.from([...text].reverse().join(""), "utf8"),
  decrypt: (data) => [...data.toString("utf8")].reverse().join(""),
};
const noKeychain: TokenCipher = { isAvailable: () => false, encrypt: () => Buffer.alloc(0), decrypt: () => "" };

describe("the shell's preferences file", () => {
  it("keeps what it is given across loads, readable by this user only", () => {
    const path = join(dir.path, "userData", "shell-preferences.json");
    preferencesFile(path).update({ pausedTunnelMode: "named", lastNotifiedId: "123" });
    expect(preferencesFile(path).read()).toEqual({ pausedTunnelMode: "named", lastNotifiedId: "123", ownerToken: null });
    if (process.platform !== "win32") expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("starts from defaults when the file is missing, broken or holds wrong shapes", () => {
    expect(preferencesFile(join(dir.path, "none.json")).read()).toEqual({ pausedTunnelMode: null, lastNotifiedId: null, ownerToken: null });
    expect(parsePreferences("{not json")).toEqual({ pausedTunnelMode: null, lastNotifiedId: null, ownerToken: null });
    expect(parsePreferences('{"pausedTunnelMode":"off","lastNotifiedId":"12; DROP","ownerToken":{"value":1}}')).toEqual({
      pausedTunnelMode: null,
      lastNotifiedId: null,
      ownerToken: null,
    });
  });
});

describe("the owner token", () => {
  it("is stored encrypted where there is a keychain, and read back", () => {
    const path = join(dir.path, "prefs.json");
    const store = preferencesTokenStore(preferencesFile(path), keychain);
    store.save("secret-token");
    expect(readFileSync(path, "utf8")).not.toContain("secret-token");
    expect(preferencesTokenStore(preferencesFile(path), keychain).load()).toBe("secret-token");
    // Encrypted, but the keychain is gone (another session type): no token rather than a wrong one.
    expect(preferencesTokenStore(preferencesFile(path), noKeychain).load()).toBeNull();
  });

  it("is stored as it is where there is no keychain", () => {
    const store = preferencesTokenStore(preferencesFile(join(dir.path, "prefs.json")), noKeychain);
    store.save("plain-token");
    expect(store.load()).toBe("plain-token");
  });

  it("is issued once and reused while the server accepts it, and replaced once it is revoked", async () => {
    const store = preferencesTokenStore(preferencesFile(join(dir.path, "prefs.json")), keychain);
    const accepted = new Set<string>();
    let issued = 0;
    const options = {
      store,
      isAccepted: async (token: string) => accepted.has(token),
      issue: async () => {
        const token = `token-${++issued}`;
        accepted.add(token);
        return token;
      },
    };
    expect(await ensureOwnerToken(options)).toBe("token-1");
    expect(await ensureOwnerToken(options)).toBe("token-1");
    expect(issued).toBe(1);
    accepted.delete("token-1");
    expect(await ensureOwnerToken(options)).toBe("token-2");
    expect(store.load()).toBe("token-2");
  });

  it("is kept when the server cannot be asked (an outage is not a revocation)", async () => {
    const store = preferencesTokenStore(preferencesFile(join(dir.path, "prefs.json")), keychain);
    store.save("kept");
    const failing = ensureOwnerToken({ store, isAccepted: async () => Promise.reject(new Error("ECONNREFUSED")), issue: async () => "new" });
    await expect(failing).rejects.toThrow("ECONNREFUSED");
    expect(store.load()).toBe("kept");
  });
});

describe("start at login", () => {
  const home = () => dir.path;

  function loginItems(): LoginItemApp & { settings: { openAtLogin: boolean; args?: string[] } } {
    const fake = {
      settings: { openAtLogin: false } as { openAtLogin: boolean; args?: string[] },
      getLoginItemSettings: () => ({ openAtLogin: fake.settings.openAtLogin }),
      setLoginItemSettings: (settings: { openAtLogin: boolean; args?: string[] }) => void (fake.settings = settings),
    };
    return fake;
  }

  it("on Linux writes and removes an XDG autostart entry that starts Hearth hidden", () => {
    const item = startAtLogin({ app: loginItems(), platform: "linux", isPackaged: true, executable: "/opt/Hearth/hearth", env: {}, home: home() });
    const path = join(dir.path, ".config", "autostart", "social.hearth.desktop.desktop");
    expect(item.isSupported()).toBe(true);
    expect(item.isEnabled()).toBe(false);
    expect(item.setEnabled(true)).toBe(true);
    expect(readFileSync(path, "utf8")).toContain("Exec=/opt/Hearth/hearth --hidden\n");
    expect(item.isEnabled()).toBe(true);
    expect(item.setEnabled(false)).toBe(false);
    expect(existsSync(path)).toBe(false);
  });

  it("quotes an executable path with spaces as the desktop entry specification says", () => {
    expect(linuxAutostartEntry("/home/a b/Hearth-1.0.AppImage")).toContain('Exec="/home/a b/Hearth-1.0.AppImage" --hidden');
    expect(linuxAutostartEntry('/x/it"s $HOME')).toContain('Exec="/x/it\\"s \\$HOME" --hidden');
  });

  it("on macOS and Windows uses the system's login items, with --hidden", () => {
    const app = loginItems();
    const item = startAtLogin({ app, platform: "win32", isPackaged: true, executable: "C:\\Hearth\\Hearth.exe", env: {}, home: home() });
    expect(item.setEnabled(true)).toBe(true);
    expect(app.settings).toEqual({ openAtLogin: true, args: ["--hidden"] });
    expect(item.isEnabled()).toBe(true);
  });

  it("is not offered in development, where the executable is a bare Electron", () => {
    const item = startAtLogin({ app: loginItems(), platform: "linux", isPackaged: false, executable: "/x/electron", env: {}, home: home() });
    expect(item.isSupported()).toBe(false);
    expect(item.setEnabled(true)).toBe(false);
    expect(existsSync(join(dir.path, ".config", "autostart"))).toBe(false);
  });
});

describe("automatic updates", () => {
  it("are off unless the build names an update server, and can be turned off", () => {
    const resources = dir.path;
    const base = { isPackaged: true, resourcesPath: resources, env: {}, platform: "darwin" as const };
    expect(updatePolicy(base)).toEqual({ isEnabled: false, reason: "this build names no update server" });
    writeFileSync(join(resources, "app-update.yml"), "provider: github\n");
    expect(updatePolicy(base)).toEqual({ isEnabled: true });
    expect(updatePolicy({ ...base, env: { HEARTH_AUTO_UPDATE: "0" } })).toMatchObject({ isEnabled: false });
    expect(updatePolicy({ ...base, isPackaged: false })).toMatchObject({ isEnabled: false });
    expect(updatePolicy({ ...base, platform: "linux" })).toMatchObject({ isEnabled: false, reason: "the system's package manager updates this install" });
    expect(updatePolicy({ ...base, platform: "linux", env: { APPIMAGE: "/x/Hearth.AppImage" } })).toEqual({ isEnabled: true });
  });
});
