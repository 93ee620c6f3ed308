import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh directory under the system's temp folder, and a way to remove it. */
export function makeTempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `hearth-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
