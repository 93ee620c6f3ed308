import { join } from "node:path";
import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AS_PUBLIC, archiveActor, createNote, jsonEntry, orderedCollection, writeZip } from "../helpers/mastodon-archive.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn, waitFor } from "./support/ui.ts";

const CHUNK = 16 * 1024;
const POSTS = 200;
const CHUNKS = /\/api\/hearth\/archive\/uploads\/[0-9a-f]+\?offset=(\d+)$/;

/** Alice's archive, stored rather than deflated so that it is several chunks long. */
async function writeArchive(path: string): Promise<void> {
  const actor = "https://old.example/users/alice";
  const items = Array.from({ length: POSTS }, (_, index) =>
    createNote({ actor, id: index + 1, published: new Date(Date.UTC(2020, 0, 1, 0, index)).toISOString(), content: `<p>Post ${index + 1}</p>`, to: [AS_PUBLIC], cc: [] }),
  );
  await writeZip(
    path,
    [
      jsonEntry("actor.json", archiveActor("https://old.example", "alice")),
      jsonEntry("outbox.json", orderedCollection("outbox.json", items)),
      jsonEntry("likes.json", orderedCollection("likes.json", [])),
      jsonEntry("bookmarks.json", orderedCollection("bookmarks.json", [])),
    ],
    { compress: false },
  );
}

const offsetOf = (route: Route) => Number(CHUNKS.exec(route.request().url())?.[1]);

async function openArchivePanel(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  const panel = page.getByRole("region", { name: "Your archive" });
  await panel.getByText(/No export yet|Your archive of/).waitFor();
  return panel;
}

describe("settings: an archive upload cut off goes on from the server's offset", { timeout: 120_000 }, () => {
  let hearth: E2eHearth;
  let browser: Browser;
  const files = makeTempDir("e2e-archive-resume-files");
  const archive = join(files.path, "alice-archive.zip");

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([
      startE2eHearth("archive-resume", { owner: { username: "alice", displayName: "Alice" }, archiveUploadChunkBytes: CHUNK }),
      launchBrowser(),
      writeArchive(archive),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
    files.remove();
  });

  it("after a reload mid-upload, the same file picked again resumes from the server's offset, with the bar there, and imports", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    let panel = await openArchivePanel(page);

    // Three chunks reach the server; the fourth never leaves the page, which is then reloaded. After the
    // reload, the first chunk sent is held, so the bar at the resumed position stays to be seen.
    const cutAt = 3 * CHUNK;
    let stuck!: () => void;
    const isStuck = new Promise<void>((resolve) => (stuck = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let hasReloaded = false;
    const before: number[] = [];
    const after: number[] = [];
    await page.route(CHUNKS, async (route) => {
      if (hasReloaded) {
        after.push(offsetOf(route));
        await released;
        return route.continue();
      }
      before.push(offsetOf(route));
      if (offsetOf(route) < cutAt) return route.continue();
      stuck();
      // Never answered: the reload takes it away.
      await new Promise(() => undefined);
    });
    await panel.getByLabel("Archive or CSV file").setInputFiles(archive);
    await panel.getByRole("button", { name: "Import" }).click();
    await isStuck;
    expect(before).toEqual([0, CHUNK, 2 * CHUNK, cutAt]);

    hasReloaded = true;
    await page.reload();
    panel = await openArchivePanel(page);
    await panel.getByLabel("Archive or CSV file").setInputFiles(archive);
    await panel.getByRole("button", { name: "Import" }).click();
    const bar = panel.locator("#archive-upload-bar");
    await panel.getByText(/resumed from 48 KB the server already had/).waitFor();
    await waitFor(() => after.length > 0, { what: "the first chunk after the reload" });
    expect(after[0]).toBe(cutAt);
    expect(Number(await bar.getAttribute("value"))).toBeGreaterThanOrEqual(cutAt);
    expect(Number(await bar.getAttribute("max"))).toBeGreaterThan(cutAt);
    await bar.scrollIntoViewIfNeeded();
    await screenshot(page, "archive-upload-resuming");
    release();

    const result = panel.getByRole("status").filter({ hasText: /^Imported alice-archive\.zip/ });
    await result.waitFor({ timeout: 60_000 });
    await expect(result.textContent()).resolves.toMatch(new RegExp(`${POSTS} new, 0 already here, of ${POSTS} posts and boosts`));
    // Nothing the server had was sent again, and the finished upload is forgotten.
    expect(after.every((offset) => offset >= cutAt)).toBe(true);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("hearth.archive-upload:")))).toEqual([]);
    await context.close();
  });

  it("a chunk request cut off is sent again from the server's offset by itself, without starting over", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    const panel = await openArchivePanel(page);
    const sent: number[] = [];
    let hasCut = false;
    await page.route(CHUNKS, async (route) => {
      sent.push(offsetOf(route));
      if (offsetOf(route) === 2 * CHUNK && !hasCut) {
        hasCut = true;
        return route.abort("connectionreset");
      }
      return route.continue();
    });
    await panel.getByLabel("Archive or CSV file").setInputFiles(archive);
    await panel.getByRole("button", { name: "Import" }).click();
    // The same archive again: all of it already here (the first test's result, 200 new, is on screen until then).
    await panel.getByRole("status").filter({ hasText: new RegExp(`^Imported alice-archive\\.zip.*: 0 new, ${POSTS} already here`) }).waitFor({ timeout: 60_000 });
    expect(hasCut).toBe(true);
    expect(sent.filter((offset) => offset === 0)).toHaveLength(1);
    expect(sent.filter((offset) => offset === 2 * CHUNK)).toHaveLength(2);
    await context.close();
  });
});
