// `npm start`: the desktop app where Electron can open a window, otherwise the same server headless.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { desktopAvailability } from "../main/desktop-availability.ts";
import { runCli } from "../server/cli.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const desktop = desktopAvailability(`${root}/node_modules/electron`, process.env, process.platform);

if (desktop.available) {
  const build = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, "-p", `${root}/main/tsconfig.json`], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const electron = spawn(desktop.electronBinary, [root, ...args], {
    stdio: "inherit",
    env: { ...process.env, HEARTH_NODE: process.execPath },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => electron.kill(signal));
  electron.on("exit", (code) => process.exit(code ?? 0));
} else {
  process.exitCode = await runCli(["serve", ...args], process, { headlessBecause: desktop.reason });
}
