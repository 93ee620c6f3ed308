// Bench only: preloaded into a benchmarked server with BENCH_NODE_ARGS="--import ./bench/allocation-preload.ts"
// and BENCH_ALLOCATION_FILE=FILE (or into bench/fedify-inbox-floor.ts's own command, which its server inherits),
// it samples every allocation the serving process makes, collected ones included (--heap-prof keeps only what
// is still alive when it stops, which says nothing of what the collector had to do), and writes V8's sampling
// heap profile to FILE when the process exits: where an inbox activity's garbage comes from (issue #19).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const file = process.env.BENCH_ALLOCATION_FILE;
if (file && process.argv.includes("serve")) {
  const session = new Session();
  session.connect();
  session.post("HeapProfiler.startSampling", { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  process.on("exit", () => {
    // An in-thread session answers at once, so the profile is written before the process ends.
    session.post("HeapProfiler.stopSampling", (error, result) => {
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
    });
  });
  // The floor's server is ended with SIGTERM and has no handler of its own: exit, so that "exit" runs. Hearth's
  // own handler closes it and exits.
  process.on("SIGTERM", () => {
    if (process.listenerCount("SIGTERM") === 1) process.exit(0);
  });
}
