// Node flags for a process that serves (`hearth serve`, the desktop's server process, the benchmarks).
//
// --max-semi-space-size: V8 grows its young generation to 128 MiB under twenty requests at a time (measured with
// bench/memory-probe.js: new_space 1 MiB after start, 128 MiB at the plateau of bench/memory-plateau.ts) and
// keeps it for as long as the process lives. Worse, a Buffer read from a socket lives in V8's heap as a small
// object whose bytes are outside it: in a large young generation the scavenges that would free them come
// rarely, so a peer streaming a huge or gzip-bombed document moved the resident size by 40-75 MB though each
// fetch keeps at most 1 MB. 8 MiB semi-spaces keep the young generation near 16 MiB at a small cost in
// collections. V8 reads the flag only when the heap is made: it cannot be set once the process runs.
//
// --heap-growing-percent: after each full collection V8 lets its old space grow to up to four times what
// survived before the next one, and under load it chose near that: bench/memory-plateau.ts's plateau held
// 150-230 MiB of old space with 60-110 MiB live, the largest part of its resident size. A factor of 1.5 took the
// plateau from 343-352 to about 227 MiB for about 4% more CPU a request (--optimize-for-size went lower, 188
// MiB, for 46% more CPU).
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=8", "--heap-growing-percent=50"];

/**
 * Those of SERVER_NODE_FLAGS that `hearth serve` takes once it serves rather than when Node starts (the value stays
 * the one above). V8 reads --heap-growing-percent at each computation of the old space's limit, so set later it
 * bounds the plateau all the same (bench/memory-plateau.ts, 15,000 requests: 223.7 MiB against 225.4 given at
 * start). Given at start, it cost a start CPU time to the first /healthz: about 80 ms on a quiet machine, 30 ms
 * in the median of nine starts on a loaded one (issue #19), though the start makes as many collections either way.
 */
export const FLAGS_SET_ONCE_SERVING = ["--heap-growing-percent"];

const nameOf = (flag) => flag.split("=")[0];

/** The flags a serving Node is started with: SERVER_NODE_FLAGS but those it sets once it serves. */
export const SERVER_START_FLAGS = SERVER_NODE_FLAGS.filter((flag) => !FLAGS_SET_ONCE_SERVING.includes(nameOf(flag)));

/** Whether this process was started with the start flags, or a choice of its own for the same settings (on its command line or in NODE_OPTIONS). */
export function hasServerNodeFlags(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? "") {
  return missingServerNodeFlags(execArgv, nodeOptions).length === 0;
}

/** The flags of FLAGS_SET_ONCE_SERVING, with SERVER_NODE_FLAGS' values, that the process was not started with (nor a choice of its own for). */
export function flagsToSetOnceServing(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? "") {
  const given = flagNamesGiven(execArgv, nodeOptions);
  return SERVER_NODE_FLAGS.filter((flag) => FLAGS_SET_ONCE_SERVING.includes(nameOf(flag)) && !given.includes(nameOf(flag)));
}

function flagNamesGiven(execArgv, nodeOptions) {
  return [...execArgv, ...nodeOptions.split(/\s+/)].map(nameOf);
}

// The environment of a process that serves, read by glibc's malloc when the process starts (so, like the flags,
// given by execve or to a child, never set later). Measured with bench/memory-plateau.ts: glibc gives each
// thread that allocates (V8's compiler and collector threads, libuv's pool) an arena of its own, up to eight a
// core, and keeps what each grew to; with two arenas the peak under load was about 80 MiB lower (307 -> 225
// MiB). Setting the trim threshold (at glibc's own default, 128 KiB) also stops glibc from raising its mmap
// threshold after a large block is freed, so large blocks keep coming from mmap and go back to the system when
// freed. Ignored where the C library is not glibc.
export const SERVER_ENVIRONMENT = { MALLOC_ARENA_MAX: "2", MALLOC_TRIM_THRESHOLD_: "131072" };

/** The environment given, with the server's settings added where it has none of its own. */
export function withServerEnvironment(env = process.env) {
  return { ...SERVER_ENVIRONMENT, ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)) };
}

/** Whether the environment has every one of the server's settings (its own value or the server's). */
export function hasServerEnvironment(env = process.env) {
  return Object.keys(SERVER_ENVIRONMENT).every((name) => env[name] !== undefined);
}

/** The server's start flags that the process was not started with (nor a choice of its own for). */
export function missingServerNodeFlags(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? "") {
  const given = flagNamesGiven(execArgv, nodeOptions);
  return SERVER_START_FLAGS.filter((flag) => !given.includes(nameOf(flag)));
}
