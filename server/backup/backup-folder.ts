import { constants } from "node:fs";
import { access, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";
import { Invalid } from "../core/errors.ts";

/**
 * A folder for scheduled backups, typed in the web client as a path on the server's computer: it must exist,
 * be a folder Hearth may write to, and lie outside the data directory (a backup inside what it backs up is
 * lost with it). Returns the path as given, trimmed; throws an Invalid with the sentence otherwise.
 */
export async function checkBackupFolder(input: string, dataDir: string): Promise<string> {
  const folder = input.trim();
  if (!isAbsolute(folder)) throw new Invalid(`"${input}" is not a full path; give the whole path of a folder on this computer, like /home/you/Backups.`);
  let real: string;
  try {
    if (!(await stat(folder)).isDirectory()) throw new Invalid(`${folder} is a file, not a folder; give a folder for the backups.`);
    real = await realpath(folder);
  } catch (error) {
    if (error instanceof Invalid) throw error;
    throw new Invalid(`There is no folder at ${folder}; create it first or pick another.`);
  }
  try {
    await access(real, constants.W_OK);
  } catch {
    throw new Invalid(`Hearth may not write to ${folder}; pick a folder your account can write to.`);
  }
  const data = await realpath(dataDir).catch(() => dataDir);
  const inside = relative(data, real);
  const isOutside = inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside);
  if (!isOutside) {
    throw new Invalid(`${folder} is inside Hearth's data folder (${dataDir}); a backup there would be lost with the data. Pick a folder elsewhere, ideally on another disk.`);
  }
  return folder;
}
