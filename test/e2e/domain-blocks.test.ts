import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "./support/browser.ts";
import { startE2eHearth, type E2eHearth } from "./support/hearth.ts";
import { signIn } from "./support/ui.ts";

const HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";

describe("domain blocks: the owner adds one, then imports a blocklist of 1,000 domains after its preview", () => {
  let hearth: E2eHearth;
  let browser: Browser;

  beforeAll(async () => {
    [hearth, browser] = await Promise.all([startE2eHearth("domain-blocks", { owner: { username: "alice", displayName: "Alice" } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("blocks a domain by hand, previews a 1,000-domain CSV, applies it and lists the blocks", async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hearth.url, "alice");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const panel = page.getByRole("region", { name: "Domain blocks" });
    await panel.getByText("No domain is blocked.").waitFor();

    await panel.getByLabel("Domain", { exact: true }).fill("spam.example");
    await panel.getByLabel("Severity", { exact: true }).selectOption("silence");
    await panel.getByLabel("Public comment", { exact: true }).fill("sends spam");
    await panel.getByRole("button", { name: "Block domain" }).click();
    const list = panel.getByRole("table", { name: "Blocked domains" });
    await list.getByRole("row", { name: /spam\.example/ }).getByText("Limit").waitFor();

    const csv = [HEADER, ...Array.from({ length: 1000 }, (_, index) => `blocked-${index}.example,suspend,false,false,,false`), "spam.example,suspend,true,false,sends spam,false", "not a domain"].join("\n");
    await panel.getByLabel("Import a blocklist CSV").setInputFiles({ name: "blocklist.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    const preview = panel.getByRole("table", { name: "Import preview" });
    await preview.waitFor();
    await panel.getByText("1000 new, 1 changed, 0 unchanged, 1 not taken.", { exact: false }).waitFor();
    await preview.getByRole("row", { name: /spam\.example/ }).getByText(/Changes the block/).waitFor();
    await preview.getByRole("row", { name: /not a domain/ }).getByText(/Not taken/).waitFor();
    const shot = await screenshot(page, "domain-blocks-1-preview", { fullPage: false });
    expect(shot).toBeTruthy();

    await panel.getByRole("button", { name: "Apply 1001 blocks" }).click();
    await panel.getByText("Imported: 1000 new, 1 changed, 0 unchanged, 1 not taken.").waitFor();
    await list.getByRole("row", { name: /blocked-999\.example/ }).waitFor();
    await panel.getByText("The newest 200 are shown; the export has them all.").waitFor();
    await screenshot(page, "domain-blocks-2-imported");
    await context.close();
  });
});
