import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { testPng } from "./support/images.ts";
import { signIn, signInThroughConsentPage, waitFor } from "./support/ui.ts";

interface AccountJson {
  display_name: string;
  note: string;
  locked: boolean;
  avatar: string;
  fields: Array<{ name: string; value: string }>;
}

describe("settings: the profile, the tunnel and the data directory", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("settings", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("changes the profile (name, bio, a field, locked, avatar) and shows it on the profile page", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();

    // The owner sees where the data lives.
    const facts = page.getByRole("region", { name: "This computer" });
    await facts.getByText(hearth.dataDir).waitFor();

    const profile = page.getByRole("form", { name: "Profile" });
    await profile.getByLabel("Display name").fill("Alice Liddell");
    await profile.getByLabel("Bio").fill("Curiouser and curiouser.");
    await profile.getByLabel("Label 1").fill("Garden");
    await profile.getByLabel("Content 1").fill("Roses, painted red");
    await profile.getByLabel("Approve followers by hand").check();
    await profile.getByLabel("Avatar").setInputFiles(await testPng(120, 120));
    await profile.getByRole("button", { name: "Save profile" }).click();
    await page.getByRole("status").filter({ hasText: "Your profile was saved." }).waitFor();
    await screenshot(page, "settings-1-profile-saved", { fullPage: true });

    const token = await hearth.ownerToken(["read"]);
    const me = (await (await fetch(`${hearth.url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${token}` } })).json()) as AccountJson;
    expect(me).toMatchObject({ display_name: "Alice Liddell", locked: true, fields: [{ name: "Garden", value: "Roses, painted red" }] });
    expect(me.note).toContain("Curiouser and curiouser.");
    expect(me.avatar).not.toMatch(/missing/);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Alice Liddell/ }).click();
    await page.getByRole("heading", { name: /Alice Liddell/, level: 1 }).waitFor();
    await page.getByText("Curiouser and curiouser.").waitFor();
    const avatar = page.getByRole("img", { name: "Alice Liddell's avatar" });
    await waitFor(() => avatar.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0), { what: "the new avatar to load" });
    await screenshot(page, "settings-2-profile-page");
    await context.close();
  });

  it("shows the tunnel's live state and says why a wrong token is refused", async () => {
    const { page, context } = await newPage(browser, { isPhone: true });
    await signIn(page, hearth.url, "alice");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const tunnel = page.getByRole("region", { name: "Reachability" });
    await tunnel.getByRole("status").filter({ hasText: "Off: only this computer can reach Hearth." }).waitFor();

    await tunnel.getByLabel("My own address (a named tunnel)").check();
    await tunnel.getByLabel("Tunnel token").fill("not-a-token");
    await tunnel.getByLabel("Public hostname").fill("social.example.com");
    await tunnel.getByRole("button", { name: "Save and connect" }).click();
    await tunnel.getByRole("alert").filter({ hasText: "That is not a Cloudflare tunnel token" }).waitFor();
    await tunnel.scrollIntoViewIfNeeded();
    await screenshot(page, "settings-3-tunnel-refused-phone");
    expect((await hearth.running.tunnel.status()).mode).toBe("off");
    await context.close();
  });

  it("shows the owner the failed sign-ins: when, the username tried, the address and the app", async () => {
    // A visitor through the tunnel's listener (as cloudflared forwards them) guesses at alice's password.
    const registered = await fetch(`${hearth.url}/api/v1/apps`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client_name: "Guesser", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" }),
    });
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const form = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: "urn:ietf:wg:oauth:2.0:oob", scope: "read", decision: "allow", username: "admin", password: "hunter2" });
    const guess = await fetch(`${hearth.running.tunnelServiceUrl}/oauth/authorize`, {
      method: "POST",
      body: form,
      headers: { "Cf-Connecting-IP": "203.0.113.77", "User-Agent": "GuessBot/1.0" },
    });
    expect(guess.status).toBe(401);

    // The owner mistypes once in the browser, then signs in.
    const { page, context } = await newPage(browser, { isPhone: true });
    await page.goto(hearth.url);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/oauth\/authorize/);
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("not my password");
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong username or password." }).waitFor();
    await signInThroughConsentPage(page, "alice");
    await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const failures = page.getByRole("region", { name: "Failed sign-ins" });
    const items = failures.getByRole("listitem");
    await waitFor(async () => (await items.count()) === 2, { what: "the two failures" });
    // Newest first: the owner's own slip, from this computer, then the visitor as Cloudflare named them.
    expect(await items.nth(0).innerText()).toMatch(/^alice from 127\.0\.0\.1 on .+\s+Mozilla\/5\.0/);
    expect(await items.nth(1).innerText()).toMatch(/^admin from 203\.0\.113\.77 on .+\s+GuessBot\/1\.0$/);
    await failures.scrollIntoViewIfNeeded();
    await screenshot(page, "settings-4-failed-sign-ins-phone");
    await context.close();
  });
});
