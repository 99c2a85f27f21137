import { test, expect } from "@playwright/test";
import { confirmedInNafath, decideInSimulator, shot } from "./helpers";

// Demo personas (fake IDs that pass the check digit), see `server seed --demo`.
const FAMILY_IDS: Record<string, string> = {
  "phone-ar-js": "1000000065",
  "phone-ar-nojs": "2000000071",
  "phone-en-js": "1000000065",
  "phone-en-nojs": "2000000071",
  "desktop-en-js": "1000000065",
};

test("a family signs in through Nafath, sees the account, switches language and signs out", async ({ page }, info) => {
  const nationalId = FAMILY_IDS[info.project.name];
  const arabic = info.project.name.includes("-ar-");
  const js = !info.project.name.includes("nojs");

  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", arabic ? "ar" : "en");
  await expect(page.locator("html")).toHaveAttribute("dir", arabic ? "rtl" : "ltr");
  await shot(page, "01-home");

  await page.locator("main").getByRole("link", { name: arabic ? "ابدأ بالدخول عبر نفاذ" : "Start by signing in with Nafath" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  // A wrong ID first: the reason appears next to the field, nothing is lost. With
  // JavaScript the server's own check runs in the page (the island) before any post.
  const idField = page.getByLabel(arabic ? "رقم الهوية الوطنية أو الإقامة" : "National ID or Iqama number");
  await idField.fill("1234567890");
  if (js) {
    await idField.blur();
    await expect(page.locator("#national-id-check")).toContainText(arabic ? "رقم الهوية غير صحيح" : "not valid");
    await expect(idField).toHaveAttribute("aria-invalid", "true");
    await page.getByRole("button", { name: arabic ? "متابعة عبر نفاذ" : "Continue with Nafath" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await shot(page, "02-sign-in-checked");
    // Fixed, the message goes as the person types.
    await idField.fill(nationalId);
    await expect(page.locator("#national-id-check")).toBeEmpty();
    await expect(idField).not.toHaveAttribute("aria-invalid", "true");
    await idField.fill("1234567890");
  }
  // The server checks again whatever the page did (here, the form is posted without the island's check).
  await idField.evaluate((input) => input.removeAttribute("data-check"));
  await page.getByRole("button", { name: arabic ? "متابعة عبر نفاذ" : "Continue with Nafath" }).click();
  await expect(page.getByRole("alert")).toContainText(arabic ? "رقم الهوية غير صحيح" : "not valid");
  await shot(page, "02-sign-in-error");

  // Eastern-Arabic digits are accepted on the no-JavaScript phone.
  const typed = js ? nationalId : nationalId.replace(/\d/g, (d) => "٠١٢٣٤٥٦٧٨٩"[Number(d)]);
  await page.getByLabel(arabic ? "رقم الهوية الوطنية أو الإقامة" : "National ID or Iqama number").fill(typed);
  await page.getByRole("button", { name: arabic ? "متابعة عبر نفاذ" : "Continue with Nafath" }).click();
  await expect(page).toHaveURL(/\/sign-in\/wait/);
  const number = (await page.getByTestId("nafath-number").textContent())!.trim();
  expect(number).toMatch(/^\d{2}$/);
  await expect(page.getByRole("button", { name: arabic ? "أكّدت في نفاذ" : "I confirmed in Nafath" })).toBeVisible();
  if (js) await expect(page.getByTestId("nafath-countdown")).toContainText(/\d:\d\d/);
  await shot(page, "02-waiting");

  await decideInSimulator(page, nationalId, { number }, "03-simulator");

  // With JavaScript the page counts down and moves on by itself once approved; without it
  // the person presses "I confirmed" (the same GET the page's refresh makes).
  await confirmedInNafath(page);
  await expect(page.getByTestId("account-national-id")).toHaveText(nationalId, { timeout: 20_000 });
  await expect(page.getByTestId("account-name")).toContainText(arabic ? "(تجريبي" : "(demo)");
  await shot(page, "04-account");

  // Switch language with the plain form.
  await page.locator(".language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", arabic ? "en" : "ar");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(arabic ? "My account" : "حسابي");
  await shot(page, "05-account-switched");

  // Sign out: back home, and the account page asks for sign-in again.
  await page.locator("main").getByRole("button", { name: arabic ? "Sign out" : "تسجيل الخروج", exact: true }).click();
  // Back on the home page (now in the other language), signed out.
  await expect(page.locator("main .hero h1")).toBeVisible();
  await expect(page.locator(".site-nav")).toContainText(arabic ? "Sign in" : "تسجيل الدخول");
  await page.goto("/account");
  await expect(page.locator("#national-id")).toBeVisible();
});

