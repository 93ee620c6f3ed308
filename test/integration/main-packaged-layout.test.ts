import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHearthClient } from "../../main/hearth-client.ts";
import { appPaths } from "../../main/app-paths.ts";
import { entryEnvironment, nodeChildLauncher } from "../../main/server-launchers.ts";
import { superviseProcess } from "../../main/server-process.ts";
import { runHearth } from "../helpers/hearth-cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { waitFor } from "../helpers/wait-for.ts";

// The app as electron-builder.yml packs it, without Electron: main/ compiled (main/dist), the server
// bundled as the beforePack hook bundles it and put where the TypeScript was (server/cli.js), the renderer's
// build, package.json, and no .ts file anywhere. Then the compiled server entry runs the compiled server on
// Node 24, as the packaged app's utility process runs it on Electron's Node 24, and serves the renderer.
const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

describe("the packaged app's layout", () => {
  let work: { path: string; remove(): void };
  let dataDir: { path: string; remove(): void };
  let app: string;

  beforeAll(() => {
    work = makeTempDir("packaged-layout");
    dataDir = makeTempDir("packaged-data");
    app = join(work.path, "app");
    const mainOut = join(work.path, "main-dist");
    const serverOut = join(work.path, "server-build");
    const result = spawnSync(process.execPath, [tsc, "-p", join(root, "main", "tsconfig.json"), "--outDir", mainOut], { encoding: "utf8" });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const bundled = spawnSync(process.execPath, [join(root, "build", "bundle-server.ts"), "--out", serverOut, "--entry", "cli.js"], { encoding: "utf8" });
    expect(bundled.status, bundled.stdout + bundled.stderr).toBe(0);
    mkdirSync(join(app, "main"), { recursive: true });
    cpSync(join(root, "package.json"), join(app, "package.json"));
    cpSync(mainOut, join(app, "main", "dist"), { recursive: true });
    cpSync(join(root, "main", "assets"), join(app, "main", "assets"), { recursive: true });
    cpSync(serverOut, join(app, "server"), { recursive: true, filter: (path) => !path.endsWith(".ts") });
    cpSync(join(root, "server", "http", "assets"), join(app, "server", "http", "assets"), { recursive: true });
    if (existsSync(join(root, "renderer", "dist"))) cpSync(join(root, "renderer", "dist"), join(app, "renderer", "dist"), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(app, "node_modules"));
  }, 120_000);
  afterAll(() => {
    work?.remove();
    dataDir?.remove();
  });

  it("has every file the shell looks for, and runs the compiled server from the compiled entry", async () => {
    const paths = appPaths({ appPath: app, isPackaged: true, platform: "linux", env: {} });
    for (const file of [paths.preload, paths.serverEntry, paths.serverCli, paths.trayIcon, paths.appIcon]) expect(existsSync(file), file).toBe(true);
    expect(paths.nodeBinary).toBeUndefined();

    const setup = await runHearth(["setup", "--data-dir", dataDir.path, "--username", "alice", "--password-stdin"], { stdin: "correct horse battery staple\n" });
    expect(setup.code).toBe(0);
    const env = entryEnvironment(process.env, paths.serverCli, ["--data-dir", dataDir.path, "--port", "0"]);
    const server = superviseProcess(nodeChildLauncher({ nodeBinary: process.execPath, entryPath: paths.serverEntry, env })());
    try {
      const localUrl = await server.ready;
      const page = await fetch(`${localUrl}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>Hearth</title>");
      expect((await fetch(`${localUrl}/avatars/original/missing.png`)).headers.get("content-type")).toBe("image/png");
      const token = await server.issueToken();
      expect((await createHearthClient({ baseUrl: localUrl, token }).verifyCredentials()).username).toBe("alice");
      // A backup copies the database in a worker thread, whose file the compiled server must name as .js.
      const backups = (init?: RequestInit) => fetch(`${localUrl}/api/hearth/backups`, { ...init, headers: { authorization: `Bearer ${token}` } });
      expect((await backups({ method: "POST" })).status).toBe(202);
      const outcome = await waitFor(
        async () => {
          const status = (await (await backups()).json()) as { running: unknown; last_outcome: { error: string | null; file?: string } | null };
          return status.running === null && status.last_outcome ? status.last_outcome : undefined;
        },
        { timeoutMs: 60_000, what: "the packaged server's backup to end" },
      );
      expect(outcome.error).toBeNull();
      expect(existsSync(outcome.file ?? "")).toBe(true);
    } finally {
      expect(await server.stop()).toMatchObject({ code: 0 });
    }
  });
});
