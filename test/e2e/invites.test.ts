import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn, signInThroughConsentPage } from "./support/ui.ts";

const NEW_PASSWORD = "a family password";

describe("invites: the owner makes a link, a new person joins with it", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("invites", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("creates an invite in settings; another browser opens it, signs up, signs in and posts", async () => {
    const owner = await newPage(browser);
    await signIn(owner.page, hearth.url, "alice");
    await owner.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const invites = owner.page.getByRole("region", { name: "Invites" });
    await invites.getByText("No invite links yet.").waitFor();
    await invites.getByLabel("Note (only you see it)").fill("for Bob");
    await invites.getByRole("button", { name: "Create invite link" }).click();
    const link = invites.getByRole("textbox", { name: "Invite link" }).first();
    await link.waitFor();
    const url = await link.inputValue();
    expect(url).toMatch(new RegExp(`^${hearth.url}/invite/[A-Za-z0-9]{12}$`));
    await invites.getByText(/1 of 1 uses left/).waitFor();
    await screenshot(owner.page, "invites-1-created", { fullPage: true });

    // Someone else, in a browser of their own.
    const guest = await newPage(browser);
    await guest.page.goto(url);
    await guest.page.getByRole("heading", { name: "Alice (@alice@" + hearth.host + ") invites you to Hearth" }).waitFor();
    await guest.page.getByLabel("Username").fill("bob");
    await guest.page.getByLabel("Display name").fill("Bob");
    await guest.page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await guest.page.getByLabel("Password again").fill(NEW_PASSWORD);
    await guest.page.getByRole("button", { name: "Join" }).click();
    await guest.page.getByRole("heading", { name: `Welcome, @bob@${hearth.host}` }).waitFor();
    await screenshot(guest.page, "invites-2-welcome");

    await guest.page.getByRole("link", { name: /web client/ }).click();
    await guest.page.getByRole("button", { name: "Sign in" }).click();
    await signInThroughConsentPage(guest.page, "bob", NEW_PASSWORD);
    await guest.page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
    await guest.page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "New post" }).click();
    const compose = guest.page.getByRole("dialog", { name: "New post" });
    await compose.getByLabel("What is on your mind?").fill("Hello, household!");
    await compose.getByRole("button", { name: "Post", exact: true }).click();
    await compose.waitFor({ state: "detached" });
    await guest.page.getByRole("feed", { name: "Home timeline" }).getByRole("article").filter({ hasText: "Hello, household!" }).waitFor();

    // The owner's list now says the link is used up.
    await owner.page.reload();
    await owner.page.getByRole("region", { name: "Invites" }).getByText(/Used up/).waitFor();
    await guest.context.close();
    await owner.context.close();
  });
});
