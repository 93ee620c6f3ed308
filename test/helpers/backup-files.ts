import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { create, extract } from "tar";
import { runCli } from "../../server/cli.ts";

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a `hearth` command in this process, beside the instances the test started here (they share its lock). */
export async function runCliHere(args: readonly string[]): Promise<InProcessResult> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runCli(args, { stdin: Readable.from([]), stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)) });
  return { code, stdout, stderr };
}

/** The last line a command printed: where `hearth backup` names its file. */
export function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}

/** Every file under a folder, by relative path, with the sha256 of its bytes. */
export function snapshotOf(dir: string, relative = ""): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(join(dir, relative))) {
    const path = relative ? `${relative}/${name}` : name;
    if (statSync(join(dir, path)).isDirectory()) Object.assign(files, snapshotOf(dir, path));
    else files[path] = createHash("sha256").update(readFileSync(join(dir, path))).digest("hex");
  }
  return files;
}

/** Unpacks a backup file as it is, for a test to change what it holds and pack it again with repack. */
export async function unpackRaw(file: string, into: string): Promise<void> {
  await extract({ file, cwd: into });
}

export async function repack(from: string, file: string): Promise<void> {
  await create({ gzip: true, cwd: from, file }, readdirSync(from));
}
