import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DESKTOP_CHANNELS, type HearthDesktopApi } from "../../main/desktop-bridge.ts";

/**
 * Runs the preload as Electron's sandbox does: compiled to CommonJS, wrapped in a function that is given
 * `require` (only "electron" answers), `process`, `exports` and `module`, with fakes of contextBridge and
 * ipcRenderer that record what the page is given and what is sent.
 */
function loadPreload() {
  const source = readFileSync(new URL("../../main/preload.cts", import.meta.url), "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const exposed = new Map<string, unknown>();
  const sent: Array<[string, ...unknown[]]> = [];
  const invoked: Array<[string, ...unknown[]]> = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const ipcRenderer = {
    send: (channel: string, ...args: unknown[]) => void sent.push([channel, ...args]),
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push([channel, ...args]);
      if (channel === DESKTOP_CHANNELS.chooseBackupFolder) return args[0] === "/cancel" ? null : args[0] === "/odd" ? { path: "/etc" } : "/home/alice/Backups";
      return channel === DESKTOP_CHANNELS.getStartAtLogin ? true : args[0];
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => void listeners.get(channel)?.delete(listener),
    listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
  const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) };
  const sandboxRequire = (name: string) => {
    if (name !== "electron") throw new Error(`The sandbox cannot load ${name}.`);
    return { contextBridge, ipcRenderer };
  };
  const module = { exports: {} };
  new Function("require", "process", "exports", "module", outputText)(sandboxRequire, { platform: "linux" }, module.exports, module);
  const deliver = (channel: string, ...args: unknown[]) => {
    for (const listener of listeners.get(channel) ?? []) listener({ sender: "the IPC event" }, ...args);
  };
  return { exposed, sent, invoked, deliver, listeners };
}

describe("the preload", () => {
  it("exposes window.hearthDesktop and nothing else, with no IPC object in it", () => {
    const { exposed } = loadPreload();
    expect([...exposed.keys()]).toEqual(["hearthDesktop"]);
    const api = exposed.get("hearthDesktop") as HearthDesktopApi;
    expect(Object.keys(api).sort()).toEqual(["chooseBackupFolder", "getStartAtLogin", "isDesktop", "notificationsSeen", "onNavigate", "platform", "setStartAtLogin"]);
    expect(api.isDesktop).toBe(true);
    expect(api.platform).toBe("linux");
    expect(Object.values(api).some((value) => typeof value === "object" && value !== null)).toBe(false);
  });

  it("hands the page only the path of a navigation, only when it is a path, and says the page routes", () => {
    const { exposed, deliver, sent } = loadPreload();
    const api = exposed.get("hearthDesktop") as HearthDesktopApi;
    const paths: unknown[] = [];
    const stop = api.onNavigate((path) => paths.push(path));
    expect(sent).toContainEqual([DESKTOP_CHANNELS.rendererRoutes, true]);
    deliver(DESKTOP_CHANNELS.navigate, "/@bob@remote.example/123");
    deliver(DESKTOP_CHANNELS.navigate, "https://elsewhere.example/");
    deliver(DESKTOP_CHANNELS.navigate, { path: "/" });
    expect(paths).toEqual(["/@bob@remote.example/123"]);
    stop();
    deliver(DESKTOP_CHANNELS.navigate, "/notifications");
    expect(paths).toHaveLength(1);
    expect(sent.at(-1)).toEqual([DESKTOP_CHANNELS.rendererRoutes, false]);
  });

  it("sends on the shell's channels, and passes only booleans to setStartAtLogin", async () => {
    const { exposed, sent, invoked } = loadPreload();
    const api = exposed.get("hearthDesktop") as HearthDesktopApi;
    api.notificationsSeen();
    expect(sent).toContainEqual([DESKTOP_CHANNELS.notificationsSeen]);
    expect(await api.getStartAtLogin()).toBe(true);
    await api.setStartAtLogin("yes" as unknown as boolean);
    expect(invoked).toEqual([[DESKTOP_CHANNELS.getStartAtLogin], [DESKTOP_CHANNELS.setStartAtLogin, false]]);
  });

  it("asks the shell for the backups' folder with the typed one or null, and hands the page only a path or null", async () => {
    const { exposed, invoked } = loadPreload();
    const api = exposed.get("hearthDesktop") as HearthDesktopApi;
    await expect(api.chooseBackupFolder("/home/alice")).resolves.toBe("/home/alice/Backups");
    await expect(api.chooseBackupFolder({ path: "/" } as unknown as string)).resolves.toBe("/home/alice/Backups");
    await expect(api.chooseBackupFolder("/cancel")).resolves.toBeNull();
    await expect(api.chooseBackupFolder("/odd")).resolves.toBeNull();
    expect(invoked).toEqual([
      [DESKTOP_CHANNELS.chooseBackupFolder, "/home/alice"],
      [DESKTOP_CHANNELS.chooseBackupFolder, null],
      [DESKTOP_CHANNELS.chooseBackupFolder, "/cancel"],
      [DESKTOP_CHANNELS.chooseBackupFolder, "/odd"],
    ]);
  });
});
