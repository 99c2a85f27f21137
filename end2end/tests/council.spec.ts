import { test, expect } from "@playwright/test";
import { shot, signIn } from "./helpers";

// The council's pages, in Arabic at phone width (phone-ar-js) and in English on a desktop.
test("the council reads the coverage matrix and approves a proposal", async ({ page }, info) => {
  const arabic = info.project.name.includes("-ar-");
  await signIn(page, "1000000016");
  await expect(page.locator("html")).toHaveAttribute("lang", arabic ? "ar" : "en");
  await page.goto("/coverage");
  await page.getByLabel(arabic ? "المدينة أو المحافظة" : "City or governorate").selectOption({ label: arabic ? "جدة" : "Jeddah" });
  await page.getByRole("button", { name: arabic ? "تطبيق" : "Apply" }).click();
  await expect(page.locator("table.matrix")).toBeVisible();
  await expect(page.locator("td.cell-overlap").first()).toBeVisible();
  await expect(page.locator("td.cell-gap").first()).toBeVisible();
  await shot(page, "30-coverage-matrix");
  await page.getByLabel(arabic ? "عرض" : "Show").selectOption("overlap");
  await page.getByRole("button", { name: arabic ? "تطبيق" : "Apply" }).click();
  await expect(page.locator("table.matrix tbody tr")).toHaveCount(3);
  await shot(page, "31-coverage-overlaps");
  await page.getByRole("link", { name: arabic ? "مقترحات التغطية" : "Coverage proposals" }).click();
  const pending = page.locator("tr[data-cell-id]");
  const before = await pending.count();
  expect(before).toBeGreaterThan(0);
  await shot(page, "32-coverage-proposals");
  await pending.first().getByRole("button", { name: arabic ? "اعتماد" : "Approve" }).click();
  await expect(pending).toHaveCount(before - 1);
  // The unrouted queue is the council's.
  await page.goto("/association/queue");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(arabic ? "طلبات بلا جمعية" : "Unrouted applications");
  await shot(page, "33-council-queue");
});
