import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { PASSWORD, startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { testPng } from "./support/images.ts";
import { imagesWithoutAlt, sessionToken, signInThroughConsentPage } from "./support/ui.ts";

describe("first run: the wizard on an empty data directory", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("wizard"), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("creates the owner, signs in through OAuth, chooses a try-out address and arrives home", async () => {
    const { page, context } = await newPage(browser);
    await page.goto(hearth.url);
    await page.getByRole("heading", { name: "Welcome to Hearth" }).waitFor();
    expect(await page.getByRole("list", { name: "Setting up Hearth" }).locator("[aria-current=step]").textContent()).toContain("Your account");
    await screenshot(page, "wizard-1-account");

    await page.getByLabel("Your name, as people see it").fill("Alice Liddell");
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("The password again").fill("not the same password");
    await page.getByRole("button", { name: "Create my account" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("The two passwords differ");

    await page.getByLabel("The password again").fill(PASSWORD);
    await page.getByRole("button", { name: "Create my account" }).click();
    await page.getByRole("heading", { name: "Your account is ready" }).waitFor();
    expect(await page.textContent("main")).toContain("@alice");
    expect(await (await fetch(`${hearth.url}/healthz`)).json()).toEqual({ status: "ok", setUp: true });
    await screenshot(page, "wizard-2-account-ready");

    await page.getByRole("button", { name: "Continue to sign in" }).click();
    await signInThroughConsentPage(page, "alice");
    expect(new URL(page.url()).pathname).toBe("/welcome");
    await page.getByRole("heading", { name: "Welcome, Alice Liddell" }).waitFor();
    await page.getByRole("status").filter({ hasText: "Off: only this computer can reach Hearth." }).waitFor();

    // The lasting choice explains, before anything is typed, why the address can never change.
    await page.getByLabel("My own address (a named tunnel)").check();
    await page.getByRole("heading", { name: "Why your address must never change" }).waitFor();
    expect(await page.getByLabel("Public hostname").getAttribute("aria-describedby")).toBe("why-address-stays");
    await screenshot(page, "wizard-3-named-tunnel-explained", { fullPage: true });

    await page.getByLabel("A try-out address").check();
    await page.getByRole("button", { name: "Save and connect" }).click();
    const status = page.getByRole("status").filter({ hasText: "Connected at" });
    await status.waitFor({ timeout: 30_000 });
    const publicUrl = await status.getByRole("link").textContent();
    expect(publicUrl).toMatch(/^https:\/\/[a-z0-9-]+\.trycloudflare\.com$/);
    expect(await status.textContent()).toContain("This is a try-out address: it changes every time Hearth starts");
    expect(hearth.running.tunnel.status()).toMatchObject({ state: "connected", publicUrl });
    await screenshot(page, "wizard-4-try-out-connected", { fullPage: true });

    // A face for the profile, uploaded like any avatar.
    await page.getByLabel("Avatar").setInputFiles(await testPng(96, 96, "#3d7a4a"));
    await page.getByRole("button", { name: "Save picture and name" }).click();
    await page.getByRole("status").filter({ hasText: "Your profile was saved." }).waitFor();
    await screenshot(page, "wizard-4b-avatar-saved");

    expect(await imagesWithoutAlt(page)).toEqual([]);
    await page.getByRole("button", { name: "Go to my home timeline" }).click();
    await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
    await page.getByText("Nothing here yet.").waitFor();
    await screenshot(page, "wizard-5-home");

    // The web client holds a real token, like any app that signed in.
    const me = await fetch(`${hearth.url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${await sessionToken(page)}` } });
    const account = (await me.json()) as { username: string; display_name: string; avatar: string };
    expect(account).toMatchObject({ username: "alice", display_name: "Alice Liddell" });
    expect(account.avatar).not.toMatch(/missing/);
    await context.close();
  });

  it("does not offer the wizard again once set up: a new visitor is asked to sign in", async () => {
    const { page, context } = await newPage(browser, { isPhone: true });
    await page.goto(hearth.url);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("heading", { name: "Welcome to Hearth" }).count()).toBe(0);
    await screenshot(page, "wizard-6-sign-in-page-phone");
    await context.close();
  });
});
