import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { testPng } from "./support/images.ts";
import type { PageElement, PageGlobals } from "./support/page-globals.ts";
import { imagesWithoutAlt, signIn } from "./support/ui.ts";

interface StatusJson {
  id: string;
  content: string;
  spoiler_text: string;
  edited_at: string | null;
  media_attachments: Array<{ description: string | null; meta: { original?: { width: number; height: number } } }>;
  poll: { options: Array<{ title: string }> } | null;
}

async function openCompose(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "New post" }).click();
  const dialog = page.getByRole("dialog", { name: "New post" });
  await dialog.waitFor();
  return dialog;
}

describe("writing posts in the web client", () => {
  let hearth: E2eHearth;
  let browser: Browser;
  let page: Page;
  let token: string;

  const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${hearth.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as T };
  };
  const home = () => page.getByRole("feed", { name: "Home timeline" });
  const post = (text: string) => home().getByRole("article").filter({ hasText: text });
  const publish = async (text: string) => {
    const dialog = await openCompose(page);
    await dialog.getByLabel("What is on your mind?").fill(text);
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
  };
  /** The edit dialog of the post showing `text`, once it holds the text as written. */
  const openEdit = async (text: string) => {
    await post(text).getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit post" });
    await expect.poll(() => dialog.getByLabel("What is on your mind?").inputValue()).toBe(text);
    return dialog;
  };

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("compose", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
    token = await hearth.ownerToken();
    ({ page } = await newPage(browser));
    await signIn(page, hearth.url, "alice");
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("posts text, counting characters against the instance's limit", async () => {
    const dialog = await openCompose(page);
    const text = "Hello from the web client! https://example.com/a/rather/long/link/that/counts/as/twenty-three";
    await dialog.getByLabel("What is on your mind?").fill(text);
    // 27 characters of words, and any link costs 23.
    expect(await dialog.getByLabel(/characters left/).textContent()).toBe(String(500 - 27 - 23));
    await dialog.getByLabel("What is on your mind?").fill("x".repeat(501));
    expect(await dialog.getByLabel(/characters left/).textContent()).toBe("-1");
    expect(await dialog.getByRole("button", { name: "Post", exact: true }).isDisabled()).toBe(true);

    await dialog.getByLabel("What is on your mind?").fill(text);
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await post("Hello from the web client!").waitFor();
    const statuses = await api<StatusJson[]>("/api/v1/timelines/home");
    expect(statuses.body[0]?.content).toContain("Hello from the web client!");
  });

  it("nudges for a description before posting an image without one, then shows the image with its alt text and no layout shift", async () => {
    const dialog = await openCompose(page);
    await dialog.getByLabel("What is on your mind?").fill("Look at this square");
    await dialog.locator("input[type=file]").setInputFiles(await testPng(320, 180));
    const thumbnail = dialog.getByRole("list", { name: "Attached images" }).getByRole("listitem");
    await thumbnail.getByRole("img").waitFor();
    await dialog.getByRole("progressbar").waitFor({ state: "detached" });
    await screenshot(page, "compose-1-image-attached");

    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    const nudge = page.getByRole("dialog", { name: "Post without a description?" });
    await nudge.waitFor();
    await screenshot(page, "compose-2-alt-text-nudge");
    await nudge.getByRole("button", { name: "Add descriptions" }).click();
    const altField = dialog.getByLabel("Description (alt text) for image 1");
    await expect.poll(() => altField.evaluate((field) => field === (field.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);
    await altField.fill("An orange rectangle crossed by a blue stripe");
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });

    const card = post("Look at this square");
    const image = card.getByRole("img", { name: "An orange rectangle crossed by a blue stripe" });
    await image.waitFor();
    // The box has the image's shape before the image arrives: its aspect ratio comes from the server's meta.
    const box = await card.locator(".media-item").evaluate((element) => (element as unknown as { style: { aspectRatio: string } }).style.aspectRatio);
    const [width = 0, height = 1] = box.split("/").map(Number);
    expect(width / height).toBeCloseTo(320 / 180, 2);
    expect(await imagesWithoutAlt(page)).toEqual([]);
    await screenshot(page, "compose-3-timeline-with-image");

    const [latest] = (await api<StatusJson[]>("/api/v1/timelines/home")).body;
    expect(latest?.media_attachments).toMatchObject([{ description: "An orange rectangle crossed by a blue stripe" }]);
  });

  it("hides a post behind its content warning until the reader opens it", async () => {
    const dialog = await openCompose(page);
    await dialog.getByRole("button", { name: "Content warning" }).click();
    await dialog.getByLabel("Content warning text").fill("Spoilers for the mystery");
    await dialog.getByLabel("What is on your mind?").fill("The butler did it.");
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });

    const card = post("Spoilers for the mystery");
    const toggle = card.getByRole("button", { name: "Show more" });
    await toggle.waitFor();
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await card.getByText("The butler did it.").isVisible()).toBe(false);
    await toggle.click();
    await card.getByText("The butler did it.").waitFor();
    expect(await card.getByRole("button", { name: "Show less" }).getAttribute("aria-expanded")).toBe("true");
  });

  it("keeps a draft across a reload", async () => {
    let dialog = await openCompose(page);
    await dialog.getByLabel("What is on your mind?").fill("An unfinished thought about");
    await dialog.getByRole("button", { name: "Close (the draft is kept)" }).click();
    await page.reload();
    await home().waitFor();
    dialog = await openCompose(page);
    expect(await dialog.getByLabel("What is on your mind?").inputValue()).toBe("An unfinished thought about");
    await dialog.getByLabel("What is on your mind?").fill("An unfinished thought about drafts, finished.");
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    dialog = await openCompose(page);
    expect(await dialog.getByLabel("What is on your mind?").inputValue()).toBe("");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  });

  it("edits a post, and deletes one", async () => {
    const dialog = await openEdit("An unfinished thought about drafts, finished.");
    await dialog.getByLabel("What is on your mind?").fill("A finished thought about drafts.");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    const edited = post("A finished thought about drafts.");
    await edited.getByText("edited").waitFor();

    await edited.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: "Delete", exact: true }).click();
    await page.getByRole("dialog", { name: "Delete this post?" }).getByRole("button", { name: "Delete" }).click();
    await edited.waitFor({ state: "detached" });
    const remaining = (await api<StatusJson[]>("/api/v1/timelines/home")).body.map((status) => status.content).join(" ");
    expect(remaining).not.toContain("drafts");
  });

  it("quotes a post", async () => {
    await post("Spoilers for the mystery").getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: "Quote" }).click();
    const dialog = page.getByRole("dialog", { name: "Quote" });
    await dialog.getByLabel("What is on your mind?").fill("Do not read this one before the last chapter.");
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    const card = post("Do not read this one before the last chapter.");
    await card.getByRole("link", { name: "Quoted post by Alice" }).waitFor();
  });

  it("posts a poll", async () => {
    const dialog = await openCompose(page);
    await dialog.getByLabel("What is on your mind?").fill("Tea or coffee?");
    await dialog.getByRole("button", { name: "Add a poll" }).click();
    await dialog.getByLabel("Choice 1").fill("Tea");
    await dialog.getByLabel("Choice 2").fill("Coffee");
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    const card = post("Tea or coffee?");
    await card.getByRole("group", { name: "Poll results" }).getByText("Coffee").waitFor();
    const [latest] = (await api<StatusJson[]>("/api/v1/timelines/home")).body;
    expect(latest?.poll?.options.map((option) => option.title)).toEqual(["Tea", "Coffee"]);
    await screenshot(page, "compose-4-timeline");
  });

  it("edits a poll post: the poll stays through an edit of the words, and takes a new choice", async () => {
    let dialog = await openEdit("Tea or coffee?");
    expect([await dialog.getByLabel("Choice 1").inputValue(), await dialog.getByLabel("Choice 2").inputValue()]).toEqual(["Tea", "Coffee"]);
    await dialog.getByLabel("What is on your mind?").fill("Tea or coffee, this morning?");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await post("Tea or coffee, this morning?").getByText("edited").waitFor();
    const pollOfLatest = async () => (await api<StatusJson[]>("/api/v1/timelines/home")).body.find((status) => status.content.includes("Tea or coffee"))?.poll;
    expect((await pollOfLatest())?.options.map((option) => option.title)).toEqual(["Tea", "Coffee"]);

    dialog = await openEdit("Tea or coffee, this morning?");
    await dialog.getByText("Changing the choices, or whether several are allowed, starts the poll again without its votes.").waitFor();
    await dialog.getByRole("button", { name: "Add a choice" }).click();
    await dialog.getByLabel("Choice 3", { exact: true }).fill("Water");
    await screenshot(page, "compose-5-editing-a-poll");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await post("Tea or coffee, this morning?").getByRole("group", { name: "Poll results" }).getByText("Water").waitFor();
    expect((await pollOfLatest())?.options.map((option) => option.title)).toEqual(["Tea", "Coffee", "Water"]);
  });

  it("adds an image to a post while editing it", async () => {
    await publish("A picture follows");
    const editing = await openEdit("A picture follows");
    await editing.locator("input[type=file]").setInputFiles(await testPng(200, 200, "#2a9d4b"));
    await editing.getByRole("list", { name: "Attached images" }).getByRole("listitem").getByRole("img").waitFor();
    await editing.getByRole("progressbar").waitFor({ state: "detached" });
    await editing.getByLabel("Description (alt text) for image 1").fill("A green square");
    await editing.getByRole("button", { name: "Save" }).click();
    await editing.waitFor({ state: "detached" });
    await post("A picture follows").getByRole("img", { name: "A green square" }).waitFor();
    // A square picture taller than the limit fills the post's width, cropped, rather than sitting beside a gap.
    const [gallery, item] = await Promise.all([post("A picture follows").locator(".media-gallery").boundingBox(), post("A picture follows").locator(".media-item").boundingBox()]);
    expect(item?.width).toBeCloseTo(gallery?.width ?? 0, 0);
    await screenshot(page, "compose-7-square-image-edited-in");
    const edited = (await api<StatusJson[]>("/api/v1/timelines/home")).body.find((status) => status.content.includes("A picture follows"));
    expect(edited?.edited_at).not.toBeNull();
    expect(edited?.media_attachments).toMatchObject([{ description: "A green square" }]);
  });

  it("shows a custom emoji as a picture of the text's size, its shortcode as the alt text", async () => {
    const core = hearth.running.core;
    await core.db
      .insertInto("custom_emojis")
      .values({
        id: core.ids.next(),
        shortcode: "hearth",
        domain: null,
        uri: null,
        image_url: `${hearth.url}/emoji/hearth.png`,
        file: null,
        visible_in_picker: 1,
        category: null,
        updated_at: new Date().toISOString(),
      })
      .execute();
    const dialog = await openCompose(page);
    await dialog.getByLabel("What is on your mind?").fill("Warm :hearth: at home :unknown:");
    await dialog.getByRole("button", { name: "Post", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    const content = post("at home").locator(".status-content");
    const emoji = content.getByRole("img", { name: ":hearth:" });
    await emoji.waitFor();
    expect(await emoji.getAttribute("class")).toBe("emoji");
    expect(await emoji.getAttribute("src")).toBe(`${hearth.url}/emoji/hearth.png`);
    // An unknown shortcode stays text; the picture is 1.2em square whether or not it has loaded.
    expect(await content.textContent()).toBe("Warm  at home :unknown:");
    const box = await emoji.boundingBox();
    const fontSize = await content.evaluate((element) => {
      const { getComputedStyle } = globalThis as unknown as PageGlobals;
      return parseFloat(getComputedStyle(element as unknown as PageElement).fontSize);
    });
    expect(box?.width).toBeCloseTo(fontSize * 1.2, 0);
    expect(box?.height).toBeCloseTo(fontSize * 1.2, 0);
  });

  it("opens a hashtag from a post, and follows and unfollows it there", async () => {
    await publish("First radishes of the year #Gardening");
    await post("First radishes of the year").getByRole("link", { name: "#Gardening" }).click();
    const column = page.getByRole("region", { name: "#Gardening" });
    await column.getByRole("feed", { name: "#Gardening timeline" }).getByRole("article").filter({ hasText: "First radishes" }).waitFor();
    const followedTags = async () => (await api<Array<{ name: string }>>("/api/v1/followed_tags")).body.map((tag) => tag.name);

    await column.getByRole("button", { name: "Follow hashtag" }).click();
    await column.getByRole("button", { name: "Unfollow hashtag" }).waitFor();
    expect(await followedTags()).toEqual(["Gardening"]);
    await screenshot(page, "compose-6-hashtag-followed");
    await column.getByRole("button", { name: "Unfollow hashtag" }).click();
    await column.getByRole("button", { name: "Follow hashtag" }).waitFor();
    expect(await followedTags()).toEqual([]);
  });
});
