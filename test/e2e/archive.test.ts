import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AS_PUBLIC, archiveActor, createNote, jsonEntry, orderedCollection, statusUri, writeZip } from "../helpers/mastodon-archive.ts";
import { twoColours } from "../helpers/media-fixtures.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { readZipEntries } from "../helpers/zip-entries.ts";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn } from "./support/ui.ts";

const OLD = "https://old.example";
const ACTOR = `${OLD}/users/alice`;
const IMAGE_PATH = "media_attachments/files/109/000/001/original/cat.png";

/** Alice's archive from another server: a thread, a picture with alt text, and a post whose file is missing. */
async function writeArchive(path: string): Promise<void> {
  const picture = await twoColours(64, 48).png().toBuffer();
  const items = [
    createNote({ actor: ACTOR, id: 1, published: "2019-03-04T05:06:07Z", content: "<p>My first post over there</p>", to: [AS_PUBLIC], cc: [`${ACTOR}/followers`] }),
    createNote({ actor: ACTOR, id: 2, published: "2019-03-05T00:00:00Z", content: "<p>And a reply to it</p>", to: [AS_PUBLIC], cc: [], inReplyTo: statusUri(ACTOR, 1) }),
    createNote({
      actor: ACTOR,
      id: 3,
      published: "2020-01-01T10:00:00Z",
      content: "<p>A cat</p>",
      to: [AS_PUBLIC],
      cc: [],
      attachment: [{ type: "Document", mediaType: "image/png", url: `/${IMAGE_PATH}`, name: "A red and blue cat" }],
    }),
    createNote({
      actor: ACTOR,
      id: 4,
      published: "2021-05-05T05:05:05Z",
      content: "<p>Its file is gone</p>",
      to: [AS_PUBLIC],
      cc: [],
      attachment: [{ type: "Document", mediaType: "image/png", url: "/media_attachments/files/109/000/002/original/gone.png", name: null }],
    }),
  ];
  await writeZip(path, [
    jsonEntry("actor.json", archiveActor(OLD, "alice")),
    jsonEntry("outbox.json", orderedCollection("outbox.json", items)),
    jsonEntry("likes.json", orderedCollection("likes.json", [])),
    jsonEntry("bookmarks.json", orderedCollection("bookmarks.json", [])),
    { name: IMAGE_PATH, bytes: picture },
  ]);
}

/**
 * Holds the requests a pattern matches until released: the real server's answers, only later, so a progress
 * bar the page drew from a real answer stays on screen for its screenshot however fast the machine is.
 */
async function hold(page: Page, pattern: RegExp): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const handler = async (route: Route) => {
    await released;
    await route.continue();
  };
  await page.route(pattern, handler);
  // Left in place once released (unrouting would race the requests it holds): it then lets each one through at once.
  return release;
}

const POLLS = /\/api\/hearth\/archive$/;

describe("settings: your archive", () => {
  let hearth: E2eHearth;
  let browser: Browser;
  const files = makeTempDir("e2e-archive-files");
  const archive = join(files.path, "alice-archive.zip");

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("archive", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser(), writeArchive(archive)]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
    files.remove();
  });

  it("imports a Mastodon archive with a progress bar and its result, then exports it again and downloads the zip", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const panel = page.getByRole("region", { name: "Your archive" });
    await panel.getByText("No export yet.").waitFor();

    // The upload, held before the server has it: the upload's bar.
    const releaseUpload = await hold(page, /\/api\/hearth\/archive\/uploads\/[0-9a-f]+\?offset=/);
    await panel.getByLabel("Archive or CSV file").setInputFiles(archive);
    await panel.getByRole("button", { name: "Import" }).click();
    await panel.getByText("Uploading alice-archive.zip").waitFor();
    await panel.locator("#archive-upload-bar").scrollIntoViewIfNeeded();
    await screenshot(page, "archive-1-uploading");

    // The server's answer says the import runs; the polls after it are held, so its bar stays to be seen.
    const releasePolls = await hold(page, POLLS);
    releaseUpload();
    await panel.getByText(/^Importing alice-archive\.zip/).waitFor();
    await panel.locator("#archive-progress-bar").scrollIntoViewIfNeeded();
    await screenshot(page, "archive-2-importing");
    releasePolls();

    const result = panel.getByRole("status").filter({ hasText: /^Imported alice-archive\.zip/ });
    await result.waitFor({ timeout: 60_000 });
    await expect(result.textContent()).resolves.toMatch(/4 new, 0 already here, of 4 posts and boosts; 1 media files/);
    await expect(result.textContent()).resolves.toContain("1 media files could not be imported");
    await expect(result.textContent()).resolves.toContain("gone.png");
    await result.scrollIntoViewIfNeeded();
    await screenshot(page, "archive-3-imported");

    // The export: its bar, then the download link.
    const releaseExportPolls = await hold(page, POLLS);
    await panel.getByRole("button", { name: "Export my archive" }).click();
    await panel.getByText(/^Exporting/).waitFor();
    await panel.locator("#archive-progress-bar").scrollIntoViewIfNeeded();
    await screenshot(page, "archive-4-exporting");
    releaseExportPolls();
    await panel.getByRole("status").filter({ hasText: /^Exported 4 posts, 1 media files/ }).waitFor({ timeout: 60_000 });
    const link = panel.getByRole("link", { name: /^Download archive-\d+-alice\.zip$/ });
    await link.scrollIntoViewIfNeeded();
    await screenshot(page, "archive-5-exported");

    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const saved = join(files.path, "downloaded.zip");
    await download.saveAs(saved);
    const entries = await readZipEntries(readFileSync(saved));
    const outbox = JSON.parse(entries.get("outbox.json")?.toString() ?? "{}") as { orderedItems?: Array<{ object: { content: string; published: string } }> };
    expect(outbox.orderedItems?.map((item) => item.object.published).sort()).toEqual([
      "2019-03-04T05:06:07Z",
      "2019-03-05T00:00:00Z",
      "2020-01-01T10:00:00Z",
      "2021-05-05T05:05:05Z",
    ]);
    expect([...entries.keys()].filter((name) => name.startsWith("media_attachments/"))).toHaveLength(1);
    await context.close();
  });
});
