import { test, expect } from "@playwright/test";
import { shot, signIn, signOut } from "./helpers";

// phone-ar-js only (see playwright.config.ts): runs after the household spec registered
// the first family (mobile 0551234567).
test("a walk-in with a known mobile number is reviewed by the council as a possible duplicate", async ({ page }) => {
  await signIn(page, "1000000032");
  await page.goto("/association/walk-in");
  await page.getByLabel("المدينة أو المحافظة").selectOption({ label: "جدة" });
  await page.getByRole("button", { name: "عرض الأحياء" }).click();
  await page.getByLabel("هوية رب الأسرة أو الإقامة").fill("1055555559");
  await page.getByLabel("الاسم الكامل لرب الأسرة").fill("نوره عبد الله الأسريه");
  await page.getByLabel("رقم الجوال").fill("0551234567");
  await page.getByLabel("الحي").selectOption({ index: 3 });
  await page.getByRole("button", { name: "تسجيل", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("تم التسجيل");
  await signOut(page);

  await signIn(page, "1000000016");
  await page.goto("/council/duplicates");
  const candidate = page.locator("article.candidate").first();
  await expect(candidate).toContainText("رقم الجوال نفسه");
  await shot(page, "40-duplicates");
  // The council works on a desktop too: the same pages at 1280 px, in Arabic.
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot(page, "41-duplicates-desktop");
  await page.goto("/coverage");
  await expect(page.locator("table.matrix")).toBeVisible();
  await shot(page, "42-matrix-desktop");
  await page.goto("/association/queue");
  await shot(page, "43-queue-desktop");
  await page.goto("/council/duplicates");
  const count = await page.locator("article.candidate").count();
  await page.locator("article.candidate").first().getByRole("button", { name: "أسرتان مختلفتان" }).click();
  await expect(page.locator("article.candidate")).toHaveCount(count - 1);
  // A line's detail as the council reads it, then the family's own pages, on the desktop.
  await page.goto("/association/queue?association=1");
  const line = page.locator("a[href^='/association/lines/']").first();
  if (await line.count()) {
    await line.click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await shot(page, "44-line-desktop");
  }
  await signOut(page);
  await signIn(page, "1000000065");
  await page.goto("/household");
  await shot(page, "45-household-desktop");
  await page.goto("/applications");
  await expect(page.locator("main")).toContainText("التدريب");
  await shot(page, "46-applications-desktop");
});
