/** glibc's malloc_trim(pad): 1 when it gave memory back to the system, 0 when there was none to give. */
type MallocTrim = (pad: number) => number;

let loading: Promise<MallocTrim | undefined> | undefined;

/** Whether this process's C library is glibc (Node's own report says which C library it runs on). */
export function isGlibc(): boolean {
  if (process.platform !== "linux") return false;
  const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  return typeof header?.glibcVersionRuntime === "string";
}

/**
 * glibc's malloc_trim, through koffi (a foreign-function library with prebuilt binaries, an N-API addon that
 * loads alike in Node and Electron's Node); undefined where the C library is not glibc or koffi cannot load.
 * Loaded by the first idle release and never at start: a started server's resident size is a target of its own.
 */
function loadMallocTrim(): Promise<MallocTrim | undefined> {
  loading ??= (async () => {
    if (!isGlibc()) return undefined;
    try {
      const { default: koffi } = await import("koffi");
      return koffi.load("libc.so.6").func("int malloc_trim(size_t pad)") as MallocTrim;
    } catch {
      return undefined;
    }
  })();
  return loading;
}

/**
 * Gives back to the system the pages glibc's malloc keeps free in every arena, not only at the top of each
 * (what free() alone does, past MALLOC_TRIM_THRESHOLD_): after a busy spell, what SQLite, V8's compiler and
 * Node's buffers freed lies between blocks still in use, and glibc keeps those pages for as long as the
 * process lives. Answers whether there was a malloc_trim to call.
 */
export async function trimMalloc(): Promise<boolean> {
  const mallocTrim = await loadMallocTrim();
  if (!mallocTrim) return false;
  mallocTrim(0);
  return true;
}
