import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { testPng } from "./support/images.ts";
import { signIn, waitFor } from "./support/ui.ts";

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
});
