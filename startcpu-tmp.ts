import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpuMsOf } from "/work/wt-start-fast/bench/hearth-process.ts";
const [dataDir, n = "5"] = process.argv.slice(2);
const res = [];
for (let i = 0; i < Number(n); i++) {
  const port = 19000 + Math.floor(Math.random() * 900);
  const t0 = performance.now();
  const child = spawn(process.execPath, ["/work/wt-start-fast/bin/hearth.js", "serve", "--data-dir", dataDir!, "--port", String(port), "--log-level", "warning"], { stdio: "ignore" });
  for (;;) { try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch {} await new Promise(r => setTimeout(r, 2)); }
  const wall = Math.round(performance.now() - t0); const cpu = Math.round(cpuMsOf(child.pid!));
  const rss = Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024 * 10) / 10;
  res.push({ wall, cpu, rss });
  child.kill("SIGTERM"); await new Promise(r => child.once("exit", r));
}
const med = (k: "wall"|"cpu"|"rss") => res.map(r => r[k]).sort((a, b) => a - b)[Math.floor(res.length / 2)];
console.log(JSON.stringify({ wall: med("wall"), cpu: med("cpu"), rss: med("rss"), each: res.map(r => `${r.wall}/${r.cpu}/${r.rss}`).join(" ") }));
