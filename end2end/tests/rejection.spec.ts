import { test, expect } from "@playwright/test";
import { confirmedInNafath, decideInSimulator } from "./helpers";

// Runs on the Arabic phone, with JavaScript (the waiting island goes back to the sign-in
// page by itself) and without (the person presses "I confirmed").
test("a rejected request says so", async ({ page }) => {
  const nationalId = "1000000032";
  await page.goto("/sign-in");
  await page.getByLabel("رقم الهوية الوطنية أو الإقامة").fill(nationalId);
  await page.getByRole("button", { name: "متابعة عبر نفاذ" }).click();
  await expect(page).toHaveURL(/\/sign-in\/wait/);
  await decideInSimulator(page, nationalId, "reject");
  await confirmedInNafath(page);
  await expect(page).toHaveURL(/\/sign-in\?error=sign_in_rejected/);
  await expect(page.getByRole("alert")).toContainText("تم رفض طلب الدخول", { timeout: 20_000 });
  await page.screenshot({ path: `screenshots/${test.info().project.name}/06-rejected.png`, fullPage: true });
});
