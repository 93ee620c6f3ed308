import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn, waitFor } from "./support/ui.ts";

interface StatusJson {
  id: string;
  content: string;
}

describe("going offline and back", () => {
  let hearth: E2eHearth;
  let browser: Browser;
  let token: string;

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${hearth.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("offline", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
    token = await hearth.ownerToken();
    const question = await api<StatusJson>("POST", "/api/v1/statuses", { status: "Which train goes to the sea?" });
    await api("POST", "/api/v1/statuses", { status: "The one at nine, I think.", in_reply_to_id: question.id });
    await api("POST", "/api/v1/statuses", { status: "Packing sandwiches." });
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("reads saved timelines and threads offline, keeps what is written, and sends it when back", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    const home = page.getByRole("feed", { name: "Home timeline" });
    await home.getByRole("article").filter({ hasText: "Packing sandwiches." }).waitFor();

    // Read the thread once, so that it is kept.
    await home.getByRole("article").filter({ hasText: "Which train goes to the sea?" }).getByRole("link", { name: "now" }).click();
    await page.getByRole("article").filter({ hasText: "The one at nine, I think." }).waitFor();
    await page.goBack();
    await home.getByRole("article").first().waitFor();
    // The service worker keeps the client itself; it controls the page once it is active.
    await waitFor(() => page.evaluate(() => (navigator as unknown as { serviceWorker: { controller: unknown } }).serviceWorker.controller !== null), { what: "the service worker to take control" });

    await context.setOffline(true);
    await page.getByRole("status").filter({ hasText: "You are offline." }).waitFor();

    // After a reload the emulated network may still claim to be online; the failed requests say otherwise.
    await page.reload();
    const banner = page.getByRole("status").filter({ hasText: /^(You are offline\.|Hearth cannot be reached\.)/ });
    await banner.waitFor();
    await home.getByRole("article").filter({ hasText: "Packing sandwiches." }).waitFor();
    await page.getByText("Saved posts; newer ones appear when Hearth can be reached.").waitFor();
    await screenshot(page, "offline-1-cached-timeline");

    await home.getByRole("article").filter({ hasText: "Which train goes to the sea?" }).getByRole("link", { name: "now" }).click();
    await page.getByRole("article").filter({ hasText: "The one at nine, I think." }).waitFor();
    await page.getByText("Saved copy; it may have changed since.").waitFor();
    await page.goBack();

    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "New post" }).click();
    const dialog = page.getByRole("dialog", { name: "New post" });
    await dialog.getByLabel("What is on your mind?").fill("Written on the train, with no signal.");
    await dialog.getByRole("button", { name: "Post later" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("status").filter({ hasText: "1 post waits to be sent when Hearth is back." }).waitFor();
    await screenshot(page, "offline-2-post-waiting");
    expect((await api<StatusJson[]>("GET", "/api/v1/timelines/home")).map((status) => status.content).join()).not.toContain("Written on the train");

    await context.setOffline(false);
    await banner.waitFor({ state: "hidden" });
    await home.getByRole("article").filter({ hasText: "Written on the train, with no signal." }).waitFor();
    const posted = await waitFor(
      async () => (await api<StatusJson[]>("GET", "/api/v1/timelines/home")).filter((status) => status.content.includes("Written on the train")),
      { what: "the queued post to reach the server" },
    );
    expect(posted).toHaveLength(1);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("hearth.outbox.")).map((key) => localStorage.getItem(key)))).toEqual(["[]"]);
    await screenshot(page, "offline-3-back-online");
    await context.close();
  });

  it("searches the posts kept on this device while Hearth cannot be reached", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    const home = page.getByRole("feed", { name: "Home timeline" });
    await home.getByRole("article").filter({ hasText: "Which train goes to the sea?" }).waitFor();

    await context.setOffline(true);
    await page.getByRole("status").filter({ hasText: "You are offline." }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await page.getByLabel("Search for people, hashtags and posts").fill("SEA");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Hearth cannot be reached: showing the one post kept on this device that contains “SEA”." }).waitFor();
    await page.getByRole("article").filter({ hasText: "Which train goes to the sea?" }).waitFor();
    expect(await page.getByRole("article").filter({ hasText: "Packing sandwiches." }).count()).toBe(0);
    await screenshot(page, "offline-4-search-kept-posts");

    await page.getByLabel("Search for people, hashtags and posts").fill("ferry");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "no post kept on this device contains “ferry”" }).waitFor();
    await context.close();
  });
});
