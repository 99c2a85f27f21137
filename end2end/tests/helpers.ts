import { Browser, expect, Page, test } from "@playwright/test";
import { readFileSync } from "node:fs";

/**
 * A full-page screenshot under the project's folder, and one at 390 px from the desktop
 * project. At phone width it also checks that nothing sticks out sideways (a wide table
 * scrolls inside its own box; the page itself never does).
 */
export async function shot(page: Page, name: string) {
  const dir = `screenshots/${test.info().project.name}`;
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
  const size = page.viewportSize();
  if (size && size.width > 390) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${dir}/${name}-390.png`, fullPage: true });
    await fitsThePhone(page, name);
    await page.setViewportSize(size);
  } else if (size) {
    await fitsThePhone(page, name);
  }
}

/**
 * How far the page sticks out sideways: its width beyond the layout viewport's. (A phone zooms
 * out to show a page that is too wide, so `innerWidth` grows with it; `clientWidth` does not.)
 * A print preview is laid out for paper, so it is not measured.
 */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() =>
    matchMedia("print").matches ? 0 : document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

async function fitsThePhone(page: Page, name: string) {
  const overflow = await sidewaysOverflow(page);
  expect.soft(overflow, `${name}: the page is ${overflow} px wider than the phone`).toBeLessThanOrEqual(0);
}

/**
 * Plays the phone: opens the simulator and picks the number (or rejects). It waits until
 * the request has left the simulator's list, so the decision is saved before the tab closes
 * (closing at once can abort the form post on a slow machine).
 */
export async function decideInSimulator(page: Page, nationalId: string, choice: { number: string } | "reject", screenshot?: string) {
  const phone = await page.context().newPage();
  await phone.goto("/nafath-simulator");
  const request = phone.locator(`li.sim-request[data-national-id="${nationalId}"]`).first();
  await expect(request).toBeVisible();
  if (screenshot) await shot(phone, screenshot);
  const button = choice === "reject"
    ? request.getByRole("button", { name: /رفض الطلب|Reject the request/ })
    : request.getByRole("button", { name: choice.number, exact: true });
  await button.click();
  await expect(phone.locator(`li.sim-request[data-national-id="${nationalId}"]`)).toHaveCount(0);
  await phone.close();
}

/** Signs in through the Nafath simulator (Arabic UI), as a person would. */
export async function signIn(page: Page, nationalId: string) {
  await page.goto("/sign-in");
  await page.getByLabel(/رقم الهوية الوطنية أو الإقامة|National ID or Iqama number/).fill(nationalId);
  await page.getByRole("button", { name: /متابعة عبر نفاذ|Continue with Nafath/ }).click();
  await expect(page).toHaveURL(/\/sign-in\/wait/);
  const number = (await page.getByTestId("nafath-number").textContent())!.trim();
  await decideInSimulator(page, nationalId, { number });
  await confirmedInNafath(page);
  await expect(page.getByTestId("account-national-id")).toHaveText(nationalId, { timeout: 20_000 });
}

/**
 * Whether the test's browser runs JavaScript (the islands): the page's own context when a
 * test made one with its own setting, else the project's.
 */
export function hasJavaScript(page?: Page): boolean {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const own = page ? (page.context() as any)._options?.javaScriptEnabled : undefined;
  if (own !== undefined) return own !== false;
  return test.info().project.use.javaScriptEnabled !== false;
}

/**
 * After the decision in Nafath: with JavaScript the waiting page's island asks the server
 * every two seconds and moves on by itself; without it the person presses "I confirmed"
 * (the e2e server slows the page's own refresh, scripts/e2e-server.sh, so they do not race).
 */
export async function confirmedInNafath(page: Page) {
  if (hasJavaScript(page)) {
    await expect(page).not.toHaveURL(/\/sign-in\/wait/, { timeout: 20_000 });
  } else {
    await page.getByRole("button", { name: /أكّدت في نفاذ|I confirmed in Nafath/ }).click();
  }
}

/** Signs out from the account page's button (works with and without JavaScript). */
export async function signOut(page: Page) {
  await page.goto("/account");
  await page.locator("main").getByRole("button", { name: /^(تسجيل الخروج|Sign out)$/ }).click();
  await expect(page.locator(".site-nav")).toContainText(/تسجيل الدخول|Sign in/);
}

/** A valid national ID: its first nine digits and the Luhn check digit. */
export function withCheckDigit(nine: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return nine + String((10 - (sum % 10)) % 10);
}

/** Follows a link of the site's navigation, from the "More" menu when it is not in the row. */
export async function openNav(page: Page, name: string) {
  const link = page.locator(".site-nav").getByRole("link", { name, exact: true });
  if (!(await link.isVisible())) await page.locator(".site-nav summary").click();
  await link.click();
}

/** Whether the test's project browses in English (its browser's language), else Arabic. */
export function inEnglish(): boolean {
  return test.info().project.use.locale?.startsWith("en") ?? false;
}

/** The UI's texts in one language, as the app's locale files hold them. */
export function locale(english: boolean) {
  return JSON.parse(readFileSync(`../app/locales/${english ? "en" : "ar"}.json`, "utf8"));
}

/** A server function called the way a script calls it (a JSON answer); anything but 200 fails the test. */
export async function api(page: Page, path: string, form: Record<string, string> = {}) {
  const r = await page.request.post(path, { form, headers: { Accept: "application/json" } });
  const body = await r.text();
  expect(r.status(), `${path}: ${body}`).toBe(200);
  return body ? JSON.parse(body) : null;
}

/**
 * A person in a browser context of their own, signed in through Nafath: a 390 px phone unless
 * `wide` (1280 px), Arabic unless `english` (the language switch when the browser's own language
 * was not enough), JavaScript as `js` says (on by default).
 */
export async function signedIn(
  browser: Browser,
  nationalId: string,
  opts: { english?: boolean; js?: boolean; wide?: boolean } = {},
) {
  const english = opts.english ?? false;
  const context = await browser.newContext({
    viewport: opts.wide ? { width: 1280, height: 900 } : { width: 390, height: 844 },
    locale: english ? "en-US" : "ar-SA",
    javaScriptEnabled: opts.js ?? true,
  });
  const page = await context.newPage();
  await signIn(page, nationalId);
  if (english && (await page.locator("html").getAttribute("lang")) !== "en") {
    await page.locator(".language-switch").click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  }
  return page;
}
