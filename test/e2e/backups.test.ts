import { existsSync } from "node:fs";
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
});
