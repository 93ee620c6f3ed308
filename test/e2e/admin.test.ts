import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { addLocalAccount, apiUser } from "../helpers/api-accounts.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { sessionToken, signIn, signInThroughConsentPage } from "./support/ui.ts";

const BOB_PASSWORD = "a family password";

const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" }).first();

describe("admin: the owner invites someone, sees them in Admin and suspends them", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("admin", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("invite → sign-up → post; Admin → Accounts → Suspend; the member's sign-in is refused and their session ends", async () => {
    const owner = await newPage(browser);
    await signIn(owner.page, hearth.url, "alice");
    await mainNav(owner.page).getByRole("link", { name: "Settings" }).click();
    const invites = owner.page.getByRole("region", { name: "Invites" });
    await invites.getByRole("button", { name: "Create invite link" }).click();
    const link = invites.getByRole("textbox", { name: "Invite link" }).first();
    await link.waitFor();
    const url = await link.inputValue();
    await link.scrollIntoViewIfNeeded();
    await screenshot(owner.page, "admin-1-invite-created");

    // The new member, in a browser context of their own: the server-rendered invite page, then the web client.
    const guest = await newPage(browser);
    await guest.page.goto(url);
    await guest.page.getByLabel("Username").fill("bob");
    await guest.page.getByLabel("Display name").fill("Bob");
    await guest.page.getByLabel("Password", { exact: true }).fill(BOB_PASSWORD);
    await guest.page.getByLabel("Password again").fill(BOB_PASSWORD);
    await screenshot(guest.page, "admin-2-invite-page");
    await guest.page.getByRole("button", { name: "Join" }).click();
    await guest.page.getByRole("heading", { name: `Welcome, @bob@${hearth.host}` }).waitFor();
    await guest.page.getByRole("link", { name: /web client/ }).click();
    await guest.page.getByRole("button", { name: "Sign in" }).click();
    await signInThroughConsentPage(guest.page, "bob", BOB_PASSWORD);
    await guest.page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
    await mainNav(guest.page).getByRole("button", { name: "New post" }).click();
    const compose = guest.page.getByRole("dialog", { name: "New post" });
    await compose.getByLabel("What is on your mind?").fill("Hello from Bob");
    await compose.getByRole("button", { name: "Post", exact: true }).click();
    await compose.waitFor({ state: "detached" });
    await guest.page.getByRole("feed", { name: "Home timeline" }).getByRole("article").filter({ hasText: "Hello from Bob" }).waitFor();
    // A member's web client has no Admin link, and /admin says it is not theirs.
    expect(await mainNav(guest.page).getByRole("link", { name: "Admin" }).count()).toBe(0);
    await screenshot(guest.page, "admin-3-member-posted");
    const bobToken = await sessionToken(guest.page);
    // The address typed by hand shows no admin either, and the server refuses the member's token all the same.
    await guest.page.goto(`${hearth.url}/admin`);
    await guest.page.getByText("Only the owner and moderators of this server see its admin.").waitFor();
    expect((await fetch(`${hearth.url}/api/hearth/admin/accounts`, { headers: { Authorization: `Bearer ${bobToken}` } })).status).toBe(403);

    // The owner finds Bob in Admin → Accounts.
    await mainNav(owner.page).getByRole("link", { name: "Admin" }).click();
    await owner.page.getByRole("heading", { name: "Admin", level: 1 }).waitFor();
    const accounts = owner.page.getByRole("table", { name: "Accounts" });
    await accounts.getByRole("row", { name: "@bob" }).waitFor();
    await owner.page.getByRole("searchbox", { name: "Username or display name" }).fill("Bob");
    await owner.page.getByRole("button", { name: "Search" }).click();
    const bobRow = accounts.getByRole("row", { name: "@bob" });
    await expect.poll(() => accounts.getByRole("row").count()).toBe(2); // the header and Bob
    expect(await bobRow.getByRole("cell").nth(1).textContent()).toBe("Active");
    await screenshot(owner.page, "admin-4-accounts", { fullPage: true });
    await bobRow.getByRole("button", { name: "Suspend" }).click();
    await bobRow.getByRole("button", { name: "Unsuspend" }).waitFor();
    expect(await bobRow.getByRole("cell").nth(1).textContent()).toBe("Suspended");
    await screenshot(owner.page, "admin-5-suspended", { fullPage: true });

    // Bob's old session's requests fail, and the web client, asked again, is signed out.
    const answer = await fetch(`${hearth.url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${bobToken}` } });
    expect(answer.status).toBe(401);
    await guest.page.reload();
    await guest.page.getByRole("button", { name: "Sign in" }).click();
    await guest.page.waitForURL(/\/oauth\/authorize/);
    await guest.page.getByLabel("Username").fill("bob");
    await guest.page.getByLabel("Password").fill(BOB_PASSWORD);
    await guest.page.getByRole("button", { name: "Allow" }).click();
    await guest.page.getByText("This account is suspended: it cannot sign in.").waitFor();
    await screenshot(guest.page, "admin-6-sign-in-refused");

    // The positive control: the owner's own session goes on.
    const ownerAnswer = await fetch(`${hearth.url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${await sessionToken(owner.page)}` } });
    expect(ownerAnswer.status).toBe(200);
    await guest.context.close();
    await owner.context.close();
  });

  it("Reports: the queue shows the reported post; assign to me, suspend the target from the report (resolving it), reopen; a reset password is shown once", async () => {
    const core = hearth.running.core;
    const cara = await apiUser(core, hearth.url, await addLocalAccount(core, "cara"), ["read", "write"]);
    const dan = await apiUser(core, hearth.url, await addLocalAccount(core, "dan"), ["read", "write"]);
    const post = await dan.client.v1.statuses.create({ status: "Buy cheap watches here", visibility: "public" });
    await cara.client.v1.reports.create({ accountId: dan.account.id, statusIds: [post.id], comment: "Spam in the local timeline", category: "spam" });

    const owner = await newPage(browser);
    await signIn(owner.page, hearth.url, "alice");
    await mainNav(owner.page).getByRole("link", { name: "Admin" }).click();
    await owner.page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Reports" }).click();
    const report = owner.page.getByRole("article", { name: /against @dan$/ });
    await report.getByRole("list", { name: "Reported posts" }).getByText("Buy cheap watches here").waitFor();
    await owner.page.getByText("1 open report.").waitFor();
    await report.getByRole("button", { name: "Assign to me" }).click();
    await report.getByText("assigned to @alice").waitFor();
    await screenshot(owner.page, "admin-7-report", { fullPage: true });
    await report.getByRole("button", { name: "Suspend @dan" }).click();
    await report.getByText("Resolved by @alice").waitFor();
    await owner.page.getByText("No open report.").waitFor();
    await screenshot(owner.page, "admin-8-report-resolved", { fullPage: true });
    expect((await fetch(`${hearth.url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${dan.token}` } })).status).toBe(401);
    // Positive control: the reporter's own token still works.
    expect((await fetch(`${hearth.url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${cara.token}` } })).status).toBe(200);
    await report.getByRole("button", { name: "Reopen" }).click();
    await owner.page.getByText("1 open report.").waitFor();

    // A password reset from Accounts: the generated one is shown once, and cara's session ends.
    await owner.page.getByRole("navigation", { name: "Admin sections" }).getByRole("link", { name: "Accounts" }).click();
    const caraRow = owner.page.getByRole("table", { name: "Accounts" }).getByRole("row", { name: "@cara" });
    await caraRow.getByRole("button", { name: "Reset password" }).click();
    await caraRow.getByRole("button", { name: "Generate one" }).click();
    const shown = caraRow.getByRole("status");
    await shown.getByText(/^New password for @cara: [A-Za-z0-9_-]{22} \(shown once; 1 session signed out\)\.$/).waitFor();
    await screenshot(owner.page, "admin-9-password-reset", { fullPage: true });
    expect((await fetch(`${hearth.url}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${cara.token}` } })).status).toBe(401);
    await owner.context.close();
  });
});
