// electron-builder's beforePack hook: compiles server/ to JavaScript in dist/server-build, which
// electron-builder.yml packs as the app's server/. The packaged app runs the server in Electron's utility
// process and does not count on Electron's Node to strip TypeScript types the way the pinned Node 24 does.
// Also checks that the renderer and the shell were built (`npm run build`), since the app needs both.
const { spawnSync } = require("node:child_process");
const { existsSync, rmSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");

exports.default = async function compileServer() {
  for (const [file, build] of [
    ["renderer/dist/index.html", "npm run build:renderer"],
    ["main/dist/main.js", "npm run build:main"],
    ["main/dist/preload.cjs", "npm run build:main"],
  ]) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing; run \`${build}\` (or \`npm run build\`) before packaging.`);
  }
  rmSync(join(root, "dist", "server-build"), { recursive: true, force: true });
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", join(root, "build", "tsconfig.server.json")], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`Compiling the server failed (tsc exited with ${result.status}).`);
};
