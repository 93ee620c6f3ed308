import { app, BrowserWindow } from "electron";
import { fileURLToPath } from "node:url";
import { startServerProcess, type ServerProcess } from "./server-process.js";

// A minimal shell: one window on the local server. The tray, notifications and packaging come later.
const root = fileURLToPath(new URL("../..", import.meta.url));
const nodeBinary = process.env.HEARTH_NODE ?? `${root}/node_modules/node/bin/node`;
const cliPath = `${root}/server/cli.ts`;

let server: ServerProcess | undefined;

if (!app.requestSingleInstanceLock()) app.quit();

app.on("second-instance", () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});

app.whenReady().then(async () => {
  server = await startServerProcess(nodeBinary, cliPath, process.argv.slice(2).filter((arg) => arg.startsWith("--")));
  const window = new BrowserWindow({
    width: 1100,
    height: 800,
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  await window.loadURL(server.localUrl);
});

app.on("window-all-closed", () => app.quit());

app.on("will-quit", (event) => {
  if (!server) return;
  event.preventDefault();
  const stopping = server;
  server = undefined;
  void stopping.stop().then(() => app.quit());
});
