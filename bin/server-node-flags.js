// Node flags for a process that serves (`hearth serve`, the desktop's server process, the benchmarks).
//
// --max-semi-space-size: V8 grows its young generation to 128 MiB under twenty requests at a time (measured with
// bench/memory-probe.ts: new_space 1 MiB after start, 128 MiB at the plateau of bench/memory-plateau.ts) and
// keeps it for as long as the process lives. Worse, a Buffer read from a socket lives in V8's heap as a small
// object whose bytes are outside it: in a large young generation the scavenges that would free them come
// rarely, so a peer streaming a huge or gzip-bombed document moved the resident size by 40-75 MB though each
// fetch keeps at most 1 MB. 8 MiB semi-spaces keep the young generation near 16 MiB at a small cost in
// collections. V8 reads the flag only when the heap is made: it cannot be set once the process runs.
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=8"];

/** Whether this process was started with the flags, or a choice of its own for the same settings (on its command line or in NODE_OPTIONS). */
export function hasServerNodeFlags(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? "") {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((flag) => flag.split("=")[0]);
  return SERVER_NODE_FLAGS.every((flag) => given.includes(flag.split("=")[0]));
}
