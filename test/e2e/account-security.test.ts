import type { Browser } from "playwright-core";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { PASSWORD, startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn } from "./support/ui.ts";

describe("settings: security", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("account-security", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("turns two-factor on in settings, signs out, and signs in again with the password and a code from the app", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const security = page.getByRole("region", { name: "Security" });
    await security.getByRole("list", { name: "Signed-in apps" }).getByText("(this browser)").waitFor();

    const setUp = security.getByRole("form", { name: "Set up two-factor sign-in" });
    await setUp.getByLabel("Password").fill(PASSWORD);
    await setUp.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    const key = security.getByLabel("Two-factor key");
    await key.waitFor();
    const secret = (await key.textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    await security.getByRole("img", { name: "QR code for your authenticator app" }).scrollIntoViewIfNeeded();
    await screenshot(page, "security-1-two-factor-scan");

    // What the phone's app would show: computed from the key the page gave, as the app does.
    const code = (timestamp: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp });
    const confirmedAt = Date.now();
    await security.getByLabel("Code from the app").fill(code(confirmedAt));
    await security.getByRole("button", { name: "Turn on" }).click();
    const recovery = security.getByRole("list", { name: "Recovery codes" });
    await recovery.waitFor();
    expect(await recovery.getByRole("listitem").count()).toBe(10);
    await screenshot(page, "security-2-recovery-codes");
    await security.getByRole("button", { name: "I have saved them" }).click();
    await security.getByText("Two-factor sign-in is on; 10 recovery codes left.").waitFor();

    await page.getByRole("region", { name: "Account" }).getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/oauth\/authorize/);
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("heading", { name: "Enter the code from your authenticator app" }).waitFor();
    await screenshot(page, "security-3-code-step");

    // The confirmation's code is spent: give the current step's code if time has moved past it, else the next
    // step's, which the server's window of one step takes.
    const step = Math.max(TOTP.counter({ timestamp: Date.now() }), TOTP.counter({ timestamp: confirmedAt }) + 1);
    await page.getByLabel("Code").fill(code(step * 30_000));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
    await screenshot(page, "security-4-signed-in-with-code");
    await context.close();
  });
});
