import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { PASSWORD, startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn } from "./support/ui.ts";

/** Alice uses the web client on her Hearth; Bob, on another, lists her so that she may move to him. */
describe("settings → Move: aliases, the move with its password, the banner, and undoing it", () => {
  let alicesHearth: E2eHearth;
  let bobsHearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [alicesHearth, bobsHearth, browser] = await Promise.all([
      startE2eHearth("move-alice", { owner: { username: "alice", displayName: "Alice" } }),
      startE2eHearth("move-bob", { owner: { username: "bob", displayName: "Bob" } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([alicesHearth?.close(), bobsHearth?.close()]);
  });

  it("adds an alias, is refused a move with a wrong password, moves to bob, sees the banner, and undoes the move", async () => {
    const bobHandle = `@bob@${bobsHearth.host}`;
    const bobToken = await bobsHearth.ownerToken(["read", "write"]);
    const aliased = await fetch(`${bobsHearth.url}/api/v1/accounts/alias`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bobToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ also_known_as_uris: [`@alice@${alicesHearth.host}`] }),
    });
    expect(aliased.status).toBe(200);

    const { page, context } = await newPage(browser);
    await signIn(page, alicesHearth.url, "alice");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const move = page.getByRole("region", { name: "Move" });
    await move.getByText("No aliases.").waitFor();
    await move.getByLabel("Old account").fill(bobHandle);
    await move.getByRole("button", { name: "Add alias" }).click();
    await move.getByText(`${bobsHearth.url}/users/bob`).waitFor();

    await move.getByLabel("New account").fill(bobHandle);
    await move.getByLabel("Your password").fill("not my password");
    await move.getByRole("button", { name: "Move this account" }).click();
    await move.getByRole("alert").filter({ hasText: "The password is wrong" }).waitFor();
    await screenshot(page, "account-move-1-form", { fullPage: true });

    await move.getByLabel("Your password").fill(PASSWORD);
    await move.getByRole("button", { name: "Move this account" }).click();
    await move.getByRole("heading", { name: "This account has moved" }).waitFor();
    const banner = page.locator(".moved-banner").first();
    await banner.getByText(`@bob@${bobsHearth.host}`).waitFor();
    await screenshot(page, "account-move-2-moved", { fullPage: true });

    await move.getByRole("button", { name: "Undo the move" }).click();
    await move.getByRole("heading", { name: "Move this account elsewhere" }).waitFor();
    expect(await page.locator(".moved-banner").count()).toBe(0);
    await context.close();
  });
});
