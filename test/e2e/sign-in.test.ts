import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { sessionToken, signInThroughConsentPage } from "./support/ui.ts";

describe("signing in and out of the web client", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("sign-in", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("signs in through the consent page (after a wrong password), stays signed in across a reload, and signing out revokes the token", async () => {
    const { page, context } = await newPage(browser);
    // A deep link survives the trip through sign-in.
    await page.goto(`${hearth.url}/notifications`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/oauth\/authorize\?/);
    const authorize = new URL(page.url());
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${hearth.url}/sign-in/callback`);
    expect(await page.textContent("h1")).toMatch(/^Hearth \(127\.0\.0\.1:\d+\) wants to use your Hearth account$/);

    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong username or password." }).waitFor();
    await screenshot(page, "sign-in-1-wrong-password");

    await signInThroughConsentPage(page, "alice");
    expect(new URL(page.url()).pathname).toBe("/notifications");
    await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
    const token = await sessionToken(page);
    const verify = () => fetch(`${hearth.url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await verify()).status).toBe(200);

    await page.reload();
    await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).getByText("@alice").isVisible()).toBe(true);
    await screenshot(page, "sign-in-2-signed-in");

    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem("hearth.session"))).toBeNull();
    expect((await verify()).status).toBe(401);
    await context.close();
  });

  it("tells the person when they deny the request, and lets them try again", async () => {
    const { page, context } = await newPage(browser);
    await page.goto(hearth.url);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/oauth\/authorize\?/);
    await page.getByRole("button", { name: "Deny" }).click();
    await page.getByRole("alert").filter({ hasText: "Sign-in was cancelled." }).waitFor();
    await page.getByRole("button", { name: "Sign in" }).click();
    await signInThroughConsentPage(page, "alice");
    await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
    await context.close();
  });
});
