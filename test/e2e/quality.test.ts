import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { testPng } from "./support/images.ts";
import type { PageGlobals } from "./support/page-globals.ts";
import { imagesWithoutAlt, signIn, waitFor } from "./support/ui.ts";

/** What a page shows about the focused element: which post, and whether its focus ring is drawn. */
function focusState(page: Page) {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const element = document.activeElement;
    const style = element ? getComputedStyle(element) : null;
    return { statusId: element?.dataset.statusId ?? null, tag: element?.tagName ?? null, outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : null };
  });
}

describe("keyboard, themes, sensitive media and phone width", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("quality", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
    const token = await hearth.ownerToken();
    const post = async (body: Record<string, unknown>) => {
      const response = await fetch(`${hearth.url}/api/v1/statuses`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    };
    const image = await testPng(400, 300, "#7a3d6b");
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(image.buffer)], { type: "image/png" }), image.name);
    form.set("description", "A purple card with a blue stripe");
    const media = (await (await fetch(`${hearth.url}/api/v2/media`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form })).json()) as { id: string };
    // The server processes uploads in the background (202); a post may name the media once it has a url.
    await waitFor(
      async () => ((await (await fetch(`${hearth.url}/api/v1/media/${media.id}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { url: string | null }).url !== null,
      { what: "the upload to be processed" },
    );
    await post({ status: "First post, from the keyboard test." });
    await post({ status: "A picture that some would rather not see at once.", media_ids: [media.id], sensitive: true });
    await post({ status: "Third post: the newest one." });
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("moves between posts with j and k, opens one with Enter, and always shows where focus is", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    const feed = page.getByRole("feed", { name: "Home timeline" });
    await feed.getByRole("article").nth(2).waitFor();

    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent)).toBe("Skip to content");
    expect((await focusState(page)).outline).toMatch(/^solid [1-9]/);

    await feed.getByRole("article").first().focus();
    const first = await focusState(page);
    expect(first.tag).toBe("ARTICLE");
    await page.keyboard.press("j");
    const second = await focusState(page);
    expect(second.statusId).not.toBe(first.statusId);
    expect(second.outline).toMatch(/^solid [1-9]/);
    await page.keyboard.press("k");
    expect((await focusState(page)).statusId).toBe(first.statusId);
    expect(await feed.getAttribute("aria-busy")).toBe("false");
    expect(await feed.getByRole("article").first().getAttribute("aria-posinset")).toBe("1");
    await screenshot(page, "quality-1-keyboard-focus");

    // f likes the focused post, as in Mastodon's web UI.
    await page.keyboard.press("f");
    await expect.poll(() => feed.getByRole("article").first().getByRole("button", { name: /^Like/ }).getAttribute("aria-pressed")).toBe("true");

    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Post by Alice", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/@alice/${first.statusId}`);
    await context.close();
  });

  it("blurs sensitive media behind its blurhash until asked, then shows it with its description", async () => {
    const { page, context } = await newPage(browser, { colorScheme: "dark" });
    await signIn(page, hearth.url, "alice");
    const card = page.getByRole("feed", { name: "Home timeline" }).getByRole("article").filter({ hasText: "A picture that some would rather not see at once." });
    await card.getByRole("button", { name: /Sensitive content/ }).waitFor();
    expect(await card.locator("canvas.blurhash").count()).toBe(1);
    expect(await card.getByRole("img", { name: "A purple card with a blue stripe" }).count()).toBe(0);
    // The dark theme follows the system.
    const background = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
      return getComputedStyle(document.documentElement).backgroundColor;
    });
    const [red = 255, green = 255, blue = 255] = (background.match(/\d+/g) ?? []).map(Number);
    expect(red + green + blue).toBeLessThan(150);
    await screenshot(page, "quality-2-sensitive-dark");

    await card.getByRole("button", { name: /Sensitive content/ }).click();
    const image = card.getByRole("img", { name: "A purple card with a blue stripe" });
    await image.waitFor();
    await waitFor(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth > 0), { what: "the image to load" });
    await card.getByRole("button", { name: "ALT" }).click();
    await card.getByText("A purple card with a blue stripe", { exact: true }).waitFor();
    expect(await imagesWithoutAlt(page)).toEqual([]);
    await screenshot(page, "quality-3-sensitive-revealed-dark");
    await context.close();
  });

  it("fits a phone-width screen without sideways scrolling", async () => {
    const { page, context } = await newPage(browser, { isPhone: true });
    await signIn(page, hearth.url, "alice");
    await page.getByRole("feed", { name: "Home timeline" }).getByRole("article").nth(2).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "quality-4-phone-home");
    await page.getByRole("button", { name: "New post" }).click();
    await page.getByRole("dialog", { name: "New post" }).waitFor();
    await screenshot(page, "quality-5-phone-compose");
    await context.close();
  });
});
