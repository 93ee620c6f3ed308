import { isAbsolute } from "node:path";

/** What the picker asks of the system's dialog: the part of Electron's `dialog.showOpenDialog` it uses. */
export interface FolderDialogOptions {
  title: string;
  buttonLabel: string;
  defaultPath?: string;
  properties: Array<"openDirectory" | "createDirectory">;
}

export type ShowFolderDialog = (options: FolderDialogOptions) => Promise<{ canceled: boolean; filePaths: readonly unknown[] }>;

/** A full path the server can check: anything else (a relative path, a NUL a file system refuses) is no answer. */
function asFolderPath(value: unknown): string | null {
  if (typeof value !== "string" || value === "" || value.includes("\0") || !isAbsolute(value)) return null;
  return value;
}

/**
 * The handler behind the renderer's "Choose…" for the scheduled backups' folder: the system's folder dialog,
 * opened at the folder already typed when it is a full path, answering the chosen folder or null when the
 * person cancelled. The server still checks the folder when the schedule is saved; this only fills the field.
 */
export async function chooseBackupFolder(show: ShowFolderDialog, current: unknown): Promise<string | null> {
  const defaultPath = asFolderPath(current) ?? undefined;
  const answer = await show({
    title: "Folder for Hearth's backups",
    buttonLabel: "Choose",
    ...(defaultPath === undefined ? {} : { defaultPath }),
    // createDirectory: macOS offers "New Folder" only when asked; elsewhere the dialog has it anyway.
    properties: ["openDirectory", "createDirectory"],
  });
  if (answer.canceled || answer.filePaths.length !== 1) return null;
  return asFolderPath(answer.filePaths[0]);
}
