// `npm start`: the desktop app where Electron can open a window, otherwise the same server headless.
import { spawn, spawnSync } from "node:child_process";
import { enableCompileCache } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cliModule, compileCacheDirOf } from "../bin/server-bundle.js";
import { desktopAvailability } from "../main/desktop-availability.ts";
import type { runCli as RunCli } from "../server/cli.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const desktop = desktopAvailability(`${root}/node_modules/electron`, process.env, process.platform);

// The server bundle when it is built and fresh (bin/server-bundle.js), else the sources; run with the compile
// cache the build filled, as bin/hearth.js runs it, by the desktop's server process or here.
const cli = cliModule(root);
const cacheDir = compileCacheDirOf(cli);

if (desktop.available) {
  const build = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, "-p", `${root}/main/tsconfig.json`], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const electron = spawn(desktop.electronBinary, [root, ...args], {
    stdio: "inherit",
    env: { ...process.env, HEARTH_NODE: process.execPath, HEARTH_SERVER_CLI: cli, ...(cacheDir !== undefined && { HEARTH_COMPILE_CACHE: cacheDir }) },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => electron.kill(signal));
  electron.on("exit", (code) => process.exit(code ?? 0));
} else {
  enableCompileCache(cacheDir);
  const { runCli } = (await import(pathToFileURL(cli).href)) as { runCli: typeof RunCli };
  process.exitCode = await runCli(["serve", ...args], process, { headlessBecause: desktop.reason });
}
