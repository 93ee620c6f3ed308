import { expect } from "vitest";
import type { Page } from "playwright-core";
import { waitFor } from "../../helpers/wait-for.ts";
import { PASSWORD } from "./hearth.ts";

/**
 * Signs in the way a person does: the web client's Sign in button, the server's consent page (username,
 * password, Allow), and back into the client with a token.
 */
export async function signInThroughConsentPage(page: Page, username: string, password = PASSWORD): Promise<void> {
  // The consent page: /oauth/authorize?… at first, /oauth/authorize itself after a refused password.
  await page.waitForURL(/\/oauth\/authorize/);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/oauth/") && !url.pathname.startsWith("/sign-in/"));
}

export async function signIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.getByRole("button", { name: "Sign in" }).click();
  await signInThroughConsentPage(page, username);
  await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
}

/** The token the web client keeps for the signed-in person. */
export async function sessionToken(page: Page): Promise<string> {
  const session = await page.evaluate(() => localStorage.getItem("hearth.session"));
  expect(session).toBeTruthy();
  return (JSON.parse(session!) as { accessToken: string }).accessToken;
}

/** Every <img> on the page says what it is (alt present; empty only where the picture sits beside its words). */
export async function imagesWithoutAlt(page: Page): Promise<string[]> {
  return page.$$eval("img", (images) => images.filter((image) => !image.hasAttribute("alt")).map((image) => image.outerHTML));
}

export { waitFor };
