import { existsSync } from "node:fs";
import { recordBackupSuccess } from "../../server/core/instance/backup-schedule.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn } from "./support/ui.ts";

describe("settings: backups", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("backups", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("makes a backup from settings, shows it, and passes a test restore of it", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const backups = page.getByRole("region", { name: "Backups" });
    await backups.getByText("No backup yet.").waitFor();
    await expect(backups.getByRole("button", { name: "Test restore" }).isDisabled()).resolves.toBe(true);

    await backups.getByRole("button", { name: "Back up now" }).click();
    await backups.getByRole("status").filter({ hasText: /^Backup made/ }).waitFor({ timeout: 60_000 });
    const last = backups.getByText(/^Last backup:/);
    const file = await last.locator("code").textContent();
    expect(file).toMatch(/\.hearth-backup\.tar\.gz$/);
    expect(existsSync(file ?? "")).toBe(true);
    await screenshot(page, "backups-1-made", { fullPage: true });

    await backups.getByRole("button", { name: "Test restore" }).click();
    await backups.getByRole("status").filter({ hasText: /^Test restore passed/ }).waitFor({ timeout: 60_000 });
    await screenshot(page, "backups-2-test-restore-passed", { fullPage: true });
    await context.close();
  });

  it("refuses a folder that does not exist, and saves a schedule", async () => {
    const folder = makeTempDir("e2e-backup-folder");
    try {
      const { page, context } = await newPage(browser);
      await signIn(page, hearth.url, "alice");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      const backups = page.getByRole("region", { name: "Backups" });
      const schedule = backups.getByRole("form", { name: "Scheduled backups" });
      await schedule.getByLabel("Folder on this computer").fill(`${folder.path}/missing`);
      await schedule.getByRole("button", { name: "Save schedule" }).click();
      await schedule.getByRole("alert").filter({ hasText: /^There is no folder at .*missing; create it first or pick another\.$/ }).waitFor();

      await schedule.getByLabel("Folder on this computer").fill(folder.path);
      await schedule.getByLabel("How often").selectOption("weekly");
      await schedule.getByLabel("Backups to keep").fill("3");
      await schedule.getByRole("button", { name: "Save schedule" }).click();
      await schedule.getByRole("status").filter({ hasText: "Schedule saved." }).waitFor();
      await backups.getByText(/^Next scheduled backup:/).waitFor();
      await screenshot(page, "backups-3-schedule-saved", { fullPage: true });
      await context.close();
    } finally {
      folder.remove();
    }
  });

  it("in the desktop app, Choose… fills the folder from the system's dialog and the schedule saves it; a browser tab has no Choose…", async () => {
    const folder = makeTempDir("e2e-backup-picked");
    try {
      const { page, context } = await newPage(browser);
      // The desktop shell's bridge (main/preload.cts) as the page sees it, its folder dialog answering a
      // cancel first, then the folder; each call's argument is kept to see what the dialog was opened at.
      await context.addInitScript((picked: string) => {
        const answers: Array<string | null> = [null, picked];
        const asked: unknown[] = [];
        Object.assign(globalThis, {
          pickerAsked: asked,
          hearthDesktop: {
            isDesktop: true,
            platform: "linux",
            onNavigate: () => () => {},
            notificationsSeen: () => {},
            getStartAtLogin: async () => false,
            setStartAtLogin: async () => false,
            chooseBackupFolder: async (current?: string) => {
              asked.push(current ?? null);
              return answers.shift() ?? null;
            },
          },
        });
      }, folder.path);
      await signIn(page, hearth.url, "alice");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      const schedule = page.getByRole("region", { name: "Backups" }).getByRole("form", { name: "Scheduled backups" });
      const field = schedule.getByLabel("Folder on this computer");
      await field.fill("/typed/before");
      await schedule.getByRole("button", { name: "Choose…" }).click();
      // Cancelled: the typed folder stays.
      await expect.poll(() => page.evaluate(() => (globalThis as unknown as { pickerAsked: unknown[] }).pickerAsked.length)).toBe(1);
      await expect(field.inputValue()).resolves.toBe("/typed/before");
      await schedule.getByRole("button", { name: "Choose…" }).click();
      await expect.poll(() => field.inputValue()).toBe(folder.path);
      await expect(page.evaluate(() => (globalThis as unknown as { pickerAsked: unknown[] }).pickerAsked)).resolves.toEqual(["/typed/before", "/typed/before"]);
      await schedule.evaluate((form) => (form as unknown as { scrollIntoView(options: object): void }).scrollIntoView({ block: "center" }));
      await screenshot(page, "backups-5-folder-chosen");
      await schedule.getByRole("button", { name: "Save schedule" }).click();
      await schedule.getByRole("status").filter({ hasText: "Schedule saved." }).waitFor();
      await context.close();

      // Saved on the server: a browser tab (no bridge) shows the chosen folder, typed as before, with no Choose….
      const tab = await newPage(browser);
      await signIn(tab.page, hearth.url, "alice");
      await tab.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      const tabSchedule = tab.page.getByRole("region", { name: "Backups" }).getByRole("form", { name: "Scheduled backups" });
      await expect.poll(() => tabSchedule.getByLabel("Folder on this computer").inputValue()).toBe(folder.path);
      await expect(tabSchedule.getByRole("button", { name: "Save schedule" }).isVisible()).resolves.toBe(true);
      await expect(tabSchedule.getByRole("button", { name: "Choose…" }).count()).resolves.toBe(0);
      await tabSchedule.evaluate((form) => (form as unknown as { scrollIntoView(options: object): void }).scrollIntoView({ block: "center" }));
      await screenshot(tab.page, "backups-6-browser-tab-no-choose");
      await tab.context.close();
    } finally {
      folder.remove();
    }
  });

  it("shows the warning when there has been no good backup for over a week", async () => {
    const stale = await startE2eHearth("backups-stale", { owner: { username: "bob", displayName: "Bob" } });
    try {
      const at = new Date(Date.now() - (9 * 24 + 3) * 60 * 60 * 1000).toISOString();
      await recordBackupSuccess(stale.running.core, { at, file: "/elsewhere/old.hearth-backup.tar.gz", bytes: 1024 });
      const { page, context } = await newPage(browser);
      await signIn(page, stale.url, "bob");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      const backups = page.getByRole("region", { name: "Backups" });
      await backups.getByRole("alert").filter({ hasText: "No backup for 9 days." }).waitFor();
      await backups.getByText("Last good backup: 9 days ago").waitFor();
      await screenshot(page, "backups-4-warning-stale", { fullPage: true });
      await context.close();
    } finally {
      await stale.close();
    }
  });
});
