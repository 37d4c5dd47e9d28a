import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium: the browser the console's pages are tested in. */
const CHROMIUM = "/usr/bin/chromium";

/** How long a page may take to show what a step waits for. */
export const WAIT = { timeout: 30_000 };

/** Debian's Chromium, headless, making no traffic of its own (updates, sync); a clear error where it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu"] });
}

/** Logs `page` in to the console at `url` with a staff token, as a person does; resolves once the tabs are shown. */
export async function signIn(page: Page, url: string, token: string): Promise<Page> {
  await page.goto(`${url}/`);
  await page.fill("#token", token);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("nav a[data-tab]", WAIT);
  return page;
}
