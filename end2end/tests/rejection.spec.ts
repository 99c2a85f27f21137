import { test, expect } from "@playwright/test";
import { decideInSimulator } from "./helpers";

// Runs in the phone-ar-nojs project only (see playwright.config.ts).
test("a rejected request says so", async ({ page }) => {
  const nationalId = "1000000032";
  await page.goto("/sign-in");
  await page.getByLabel("رقم الهوية الوطنية أو الإقامة").fill(nationalId);
  await page.getByRole("button", { name: "متابعة عبر نفاذ" }).click();
  await expect(page).toHaveURL(/\/sign-in\/wait/);
  await decideInSimulator(page, nationalId, "reject");
  await page.getByRole("button", { name: "أكّدت في نفاذ" }).click();
  await expect(page.getByRole("alert")).toContainText("تم رفض طلب الدخول", { timeout: 20_000 });
  await page.screenshot({ path: "screenshots/phone-ar-nojs/06-rejected.png", fullPage: true });
});
