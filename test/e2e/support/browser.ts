import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); .ci/run installs it where it is missing. */
const CHROMIUM = process.env.HEARTH_E2E_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = fileURLToPath(new URL("../screenshots/", import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    // Never skipped: a missing browser is a broken test machine, and says how to fix it.
    throw new Error(`Chromium is not at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (or set HEARTH_E2E_CHROMIUM).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
}

export interface PageOptions {
  /** A phone-sized window (390×844), as most people will use Hearth through the tunnel. */
  isPhone?: boolean;
  colorScheme?: "light" | "dark";
}

export async function newPage(browser: Browser, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.isPhone ? { width: 390, height: 844 } : { width: 1280, height: 860 },
    deviceScaleFactor: 1,
    colorScheme: options.colorScheme ?? "light",
    reducedMotion: "reduce",
    isMobile: options.isPhone ?? false,
    hasTouch: options.isPhone ?? false,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  // What the page itself complains about is evidence when a test fails.
  page.on("pageerror", (error) => console.error(`[page error] ${error.message}`));
  return { context, page };
}

/** Saves a screenshot to test/e2e/screenshots/NAME.png, to look at after the run. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: "disabled" });
  return path;
}
