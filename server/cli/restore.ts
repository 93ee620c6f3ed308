import { restoreBackup } from "../backup/restore-backup.ts";
import { parseRestoreOptions } from "../config.ts";
import type { CliIo } from "./run-cli.ts";
import { describeManifest } from "./backup.ts";
import type { ProgressListener } from "../backup/progress.ts";
import { terminalProgress } from "./terminal-progress.ts";

export async function restoreCommand(args: readonly string[], io: CliIo): Promise<void> {
  const options = parseRestoreOptions(args);
  const display = terminalProgress(io.stderr);
  const onProgress: ProgressListener = ({ step, done, total }) => display.update(step, done, total);
  try {
    const restored = await restoreBackup({ file: options.file, dataDir: options.dataDir, onProgress });
    display.finish();
    for (const line of describeManifest(restored.manifest)) io.stdout.write(`${line}\n`);
    for (const aside of restored.keptAside) io.stdout.write(`kept what it replaced as ${aside}\n`);
    io.stdout.write(`Restored ${options.file} into ${options.dataDir}.\n`);
  } finally {
    display.finish();
  }
}
