import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn, waitFor } from "./support/ui.ts";

interface NotificationJson {
  type: string;
  account: { acct: string };
  status: { content: string } | null;
}

/**
 * Two Hearths on loopback: Alice uses the web client on hers, Bob is another server's person (driven through
 * his server's API). What passes between them is real federation.
 */
describe("the web client with a second instance: follow, live posts, replies, likes, boosts, notifications", () => {
  let alicesHearth: E2eHearth;
  let bobsHearth: E2eHearth;
  let browser: Browser;
  let page: Page;
  let bobToken: string;
  let bobHandle: string;

  const bob = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${bobsHearth.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${bobToken}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return (await response.json()) as T;
  };
  const home = () => page.getByRole("feed", { name: "Home timeline" });

  beforeAll(async () => {
    [alicesHearth, bobsHearth, browser] = await Promise.all([
      startE2eHearth("fed-alice", { owner: { username: "alice", displayName: "Alice" } }),
      startE2eHearth("fed-bob", { owner: { username: "bob", displayName: "Bob" } }),
      launchBrowser(),
    ]);
    bobToken = await bobsHearth.ownerToken();
    bobHandle = `bob@${bobsHearth.host}`;
    ({ page } = await newPage(browser));
    await signIn(page, alicesHearth.url, "alice");
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([alicesHearth?.close(), bobsHearth?.close()]);
  });

  it("finds a remote handle through search and follows it", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await page.getByRole("searchbox", { name: "Search for people, hashtags and posts" }).fill(`@${bobHandle}`);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const people = page.getByRole("region", { name: "People" });
    const row = people.getByRole("listitem").filter({ hasText: `@${bobHandle}` });
    await row.waitFor();
    await row.getByRole("button", { name: `Follow @${bobHandle}` }).click();
    // Bob's server accepts on its own; the button follows the relationship until it says so.
    await row.getByRole("button", { name: `Unfollow @${bobHandle}` }).waitFor({ timeout: 30_000 });
    await screenshot(page, "federation-1-followed-through-search");
    const followers = await bob<Array<{ acct: string }>>("GET", `/api/v1/accounts/${bobsHearth.owner!.id}/followers`);
    expect(followers.map((account) => account.acct)).toContain(`alice@${alicesHearth.host}`);
  });

  it("shows a post from the other instance live, behind a new-posts button", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
    await bob("POST", "/api/v1/statuses", { status: "Hello Alice, from the other server!", visibility: "public" });
    const button = page.getByRole("button", { name: "1 new post" });
    await button.waitFor({ timeout: 30_000 });
    await screenshot(page, "federation-2-new-post-indicator");
    await button.click();
    const card = home().getByRole("article").filter({ hasText: "Hello Alice, from the other server!" });
    await card.waitFor();
    await screenshot(page, "federation-3-post-arrived");

    // The author's profile, as this server knows it.
    await card.getByRole("link", { name: /Bob/ }).first().click();
    await page.getByRole("heading", { name: "Bob", level: 1 }).waitFor();
    await page.getByRole("button", { name: `Unfollow @${bobHandle}` }).waitFor();
    await page.getByRole("feed", { name: "Posts by Bob" }).getByRole("article").filter({ hasText: "Hello Alice, from the other server!" }).waitFor();
    await screenshot(page, "federation-3a-remote-profile");
    await page.goBack();
    await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
  });

  it("puts the remote account on a list, whose timeline shows his posts", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Lists" }).click();
    await page.getByLabel("Name of a new list").fill("Friends elsewhere");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "Friends elsewhere", level: 1 }).waitFor();
    await page.getByText("0 people on this list").click();
    await page.getByRole("searchbox", { name: "Add someone you follow" }).fill("bob");
    await page.getByRole("button", { name: `Add @${bobHandle} to the list` }).click();
    await page.getByText("1 person on this list").waitFor();
    await bob("POST", "/api/v1/statuses", { status: "A post for the list.", visibility: "public" });
    await page.getByRole("button", { name: "1 new post" }).click({ timeout: 30_000 });
    await page.getByRole("feed", { name: "Friends elsewhere timeline" }).getByRole("article").filter({ hasText: "A post for the list." }).waitFor();
    await screenshot(page, "federation-3b-list");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
  });

  it("replies to, likes and boosts the remote post, and the other server hears of each", async () => {
    const card = home().getByRole("article").filter({ hasText: "Hello Alice, from the other server!" });
    await card.getByRole("button", { name: /^Like/ }).click();
    await expect.poll(() => card.getByRole("button", { name: /^Like/ }).getAttribute("aria-pressed")).toBe("true");
    await card.getByRole("button", { name: /^Boost/ }).click();
    await expect.poll(() => card.getByRole("button", { name: /^Boost/ }).first().getAttribute("aria-pressed")).toBe("true");

    await card.getByRole("button", { name: /^Reply/ }).first().click();
    const dialog = page.getByRole("dialog", { name: "Reply" });
    const text = dialog.getByLabel("What is on your mind?");
    expect(await text.inputValue()).toBe(`@${bobHandle} `);
    await text.pressSequentially("Hello Bob, from the web client!");
    await dialog.getByRole("button", { name: "Reply", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await screenshot(page, "federation-4-liked-boosted-replied");

    const types = await waitFor(
      async () => {
        const notifications = await bob<NotificationJson[]>("GET", "/api/v1/notifications");
        const fromAlice = notifications.filter((item) => item.account.acct === `alice@${alicesHearth.host}`);
        const seen = new Set(fromAlice.map((item) => item.type));
        return seen.has("favourite") && seen.has("reblog") && seen.has("mention") ? fromAlice : undefined;
      },
      { timeoutMs: 30_000, what: "Bob's server to notify him of the like, the boost and the reply" },
    );
    expect(types.find((item) => item.type === "mention")?.status?.content).toContain("Hello Bob, from the web client!");
  });

  it("shows what the other server's person does to Alice's posts in her notifications, live", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" }).click();
    await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
    // Bob's server knows Alice's reply: he likes it and mentions her back.
    const bobsNotifications = await bob<Array<{ type: string; status: { id: string } | null }>>("GET", "/api/v1/notifications?types[]=mention");
    const reply = bobsNotifications.find((item) => item.type === "mention")?.status;
    expect(reply).toBeTruthy();
    await bob("POST", `/api/v1/statuses/${reply!.id}/favourite`);
    await bob("POST", "/api/v1/statuses", { status: `@alice@${alicesHearth.host} thanks for the reply!`, in_reply_to_id: reply!.id, visibility: "public" });

    const feed = page.getByRole("feed", { name: "Notifications" });
    await feed.getByRole("article", { name: /Bob liked your post/ }).waitFor({ timeout: 30_000 });
    await feed.getByRole("article").filter({ hasText: "thanks for the reply!" }).waitFor({ timeout: 30_000 });
    await screenshot(page, "federation-5-notifications");
  });
});
