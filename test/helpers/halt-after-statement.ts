// Preloaded (`node --import`) into a real `hearth` process by a test that must kill it at an exact point: after
// the first statement whose SQL contains HEARTH_TEST_HALT_AFTER has run, the process says so on stderr and
// stops dead (its thread blocked, no timer, no I/O) until the test kills it. Nothing in server/ knows.
import { writeSync } from "node:fs";
import Database from "better-sqlite3";

const needle = process.env.HEARTH_TEST_HALT_AFTER;
export const HALTED = "halted after statement: ";

if (needle) {
  const probe = new Database(":memory:");
  const Statement = Object.getPrototypeOf(probe.prepare("SELECT 1")) as { run: (...parameters: unknown[]) => unknown };
  probe.close();
  const run = Statement.run;
  Statement.run = function (this: { source: string }, ...parameters: unknown[]) {
    const result = run.apply(this, parameters);
    if (this.source.includes(needle)) {
      // Written and blocked at once: nothing after this statement may run, not even a microtask.
      writeSync(2, `${HALTED}${this.source}\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
    return result;
  };
}
