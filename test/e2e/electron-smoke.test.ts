import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { _electron as electron } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { desktopAvailability } from "../../main/desktop-availability.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// The desktop app for real: Electron starts main/dist/main.js, which starts the server process, and the
// window loads the renderer from it. It needs an Electron binary (node_modules/electron/dist, or one named by
// ELECTRON_OVERRIDE_DIST_PATH) and a display; without them it is skipped, and says why.
const root = fileURLToPath(new URL("../..", import.meta.url));
const desktop = desktopAvailability(join(root, "node_modules", "electron"), process.env, process.platform);
const skipReason = desktop.available
  ? undefined
  : `skipped: ${desktop.reason}; download Electron 45 (npx install-electron) or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron, with a display`;

describe(`the desktop app${skipReason ? ` (${skipReason})` : ""}`, () => {
  let dataDir: { path: string; remove(): void } | undefined;

  beforeAll(() => {
    if (!desktop.available) return;
    const build = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "main", "tsconfig.json")], { stdio: "inherit" });
    expect(build.status).toBe(0);
  });
  afterEach(() => dataDir?.remove());

  it("opens a window with the renderer from the local server, locked down, and quits cleanly", async (context) => {
    if (!desktop.available) return context.skip(skipReason);
    dataDir = makeTempDir("electron-smoke");
    const asRoot = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
    const app = await electron.launch({
      executablePath: desktop.electronBinary,
      args: [root, ...asRoot, "--data-dir", dataDir.path, "--port", "0"],
      env: { ...process.env, HEARTH_NODE: process.execPath },
      timeout: 60_000,
    });
    const window = await app.firstWindow();
    await window.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\//, { timeout: 60_000 });
    const localUrl = new URL(window.url()).origin;
    await window.waitForSelector("#root > *", { timeout: 30_000 });
    expect(await window.title()).toBe("Hearth");

    // The page has the bridge, and neither Node nor Electron.
    expect(await window.evaluate(() => typeof (globalThis as { hearthDesktop?: unknown }).hearthDesktop)).toBe("object");
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe("undefined");
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe("undefined");
    // Navigation away from the local server and new windows are refused (file: is refused outright, so
    // nothing opens in the system's browser during the test).
    const navigation = window.waitForEvent("framenavigated", { timeout: 2_000 }).then(
      () => "navigated",
      () => "stayed",
    );
    await window.evaluate(() => {
      // Runs in the page, whose globals this Node-typed file does not know.
      const page = globalThis as unknown as { open(url: string): unknown; location: { href: string } };
      page.open("file:///etc/hosts");
      page.location.href = "file:///etc/hosts";
    });
    expect(await navigation).toBe("stayed");
    expect(new URL(window.url()).origin).toBe(localUrl);
    expect(app.windows()).toHaveLength(1);

    await app.close();
    // The server went with the app: its port is closed and it closed the database on the way out.
    await waitFor(async () => !(await fetch(`${localUrl}/healthz`).then(() => true, () => false)), { what: "the server to stop" });
    expect(readFileSync(join(dataDir.path, "logs", "hearth.log"), "utf8")).toContain("Hearth stopped; the database is closed.");
  });
});
