// Loaded into a benchmarked server with BENCH_NODE_ARGS="--import ./bench/memory-probe.js" (never by Hearth
// itself): on SIGUSR2 it appends one JSON line to HEARTH_MEMORY_PROBE_FILE with what holds the resident memory,
// as the process itself sees it (V8's heap spaces, external memory and array buffers beside the RSS), and,
// when HEARTH_MEMORY_PROBE_SNAPSHOT names a folder, writes a heap snapshot there too. A benchmark sends the
// signal at the moments it reports (after start, at the plateau, after idle) and reads the lines back.
//
// Plain JavaScript, not TypeScript: a .ts file loaded with --import brings Node's type stripper (amaro, a
// WebAssembly build of swc) into the server it measures, and keeps it: 17 MiB more resident after start and
// after idle (12 MiB of it anonymous: the wasm memory and a 3.7 MB source string), which a server run as
// installed (the bundle, or the sources from a warm compile cache) never loads. Its line's shape is
// MemoryProbe in hearth-process.ts.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { getHeapCodeStatistics, getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from "node:v8";

const file = process.env.HEARTH_MEMORY_PROBE_FILE;
const snapshotFolder = process.env.HEARTH_MEMORY_PROBE_SNAPSHOT;
const mib = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
let probeNumber = 0;

if (file) {
  process.on("SIGUSR2", () => {
    probeNumber += 1;
    const usage = process.memoryUsage();
    const probe = {
      label: `probe ${probeNumber}`,
      rssMiB: mib(usage.rss),
      heapTotalMiB: mib(usage.heapTotal),
      heapUsedMiB: mib(usage.heapUsed),
      externalMiB: mib(usage.external),
      arrayBuffersMiB: mib(usage.arrayBuffers),
      spacesMiB: Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, mib(space.physical_space_size)])),
      mallocedMiB: mib(getHeapStatistics().malloced_memory),
      bytecodeMiB: mib(getHeapCodeStatistics().bytecode_and_metadata_size),
      codeMiB: mib(getHeapCodeStatistics().code_and_metadata_size),
    };
    if (snapshotFolder) probe.snapshot = writeHeapSnapshot(join(snapshotFolder, `hearth-${process.pid}-${probeNumber}.heapsnapshot`));
    appendFileSync(file, `${JSON.stringify(probe)}\n`);
  });
}
