import { describe, expect, it } from "vitest";
import { chooseBackupFolder, type FolderDialogOptions, type ShowFolderDialog } from "../../main/backup-folder-picker.ts";

/** A stand-in for Electron's dialog: records what it was asked and answers as the person did. */
function dialogAnswering(answer: { canceled: boolean; filePaths: readonly unknown[] }) {
  const asked: FolderDialogOptions[] = [];
  const show: ShowFolderDialog = async (options) => {
    asked.push(options);
    return answer;
  };
  return { show, asked };
}

describe("choosing the backups' folder in the desktop app", () => {
  it("opens a folder dialog that can create a folder, and answers the folder chosen", async () => {
    const { show, asked } = dialogAnswering({ canceled: false, filePaths: ["/home/alice/Backups/Hearth"] });
    await expect(chooseBackupFolder(show, null)).resolves.toBe("/home/alice/Backups/Hearth");
    expect(asked).toHaveLength(1);
    expect(asked[0]?.properties).toEqual(["openDirectory", "createDirectory"]);
    expect(asked[0]?.defaultPath).toBeUndefined();
  });

  it("answers null when the person cancels", async () => {
    const { show } = dialogAnswering({ canceled: true, filePaths: [] });
    await expect(chooseBackupFolder(show, "/home/alice")).resolves.toBeNull();
  });

  it("answers null for what is no single full path, beside a full path that passes", async () => {
    for (const filePaths of [[], ["relative/folder"], [""], ["/two"], [42], ["/with\0nul"]]) {
      const { show } = dialogAnswering({ canceled: false, filePaths: filePaths.length === 1 && filePaths[0] === "/two" ? ["/two", "/folders"] : filePaths });
      await expect(chooseBackupFolder(show, null), JSON.stringify(filePaths)).resolves.toBeNull();
    }
    const { show } = dialogAnswering({ canceled: false, filePaths: ["/mnt/other-disk/hearth"] });
    await expect(chooseBackupFolder(show, null)).resolves.toBe("/mnt/other-disk/hearth");
  });

  it("opens at the folder already typed only when it is a full path", async () => {
    const typed = dialogAnswering({ canceled: true, filePaths: [] });
    await chooseBackupFolder(typed.show, "/home/alice/Backups");
    expect(typed.asked[0]?.defaultPath).toBe("/home/alice/Backups");
    for (const current of ["Backups", "", 7, { path: "/etc" }, undefined]) {
      const other = dialogAnswering({ canceled: true, filePaths: [] });
      await chooseBackupFolder(other.show, current);
      expect(other.asked[0]?.defaultPath, String(current)).toBeUndefined();
    }
  });
});
