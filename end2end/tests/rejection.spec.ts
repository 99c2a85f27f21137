import { test, expect } from "@playwright/test";
import { confirmedInNafath, decideInSimulator, inEnglish, locale } from "./helpers";

// Runs on the phone, in Arabic and English, with JavaScript (the waiting island goes back to
// the sign-in page by itself) and without (the person presses "I confirmed").
test("a rejected request says so", async ({ page }) => {
  const t = locale(inEnglish());
  const nationalId = "1000000032";
  await page.goto("/sign-in");
  await page.getByLabel(t.sign_in.national_id_label).fill(nationalId);
  await page.getByRole("button", { name: t.sign_in.submit }).click();
  await expect(page).toHaveURL(/\/sign-in\/wait/);
  await decideInSimulator(page, nationalId, "reject");
  await confirmedInNafath(page);
  await expect(page).toHaveURL(/\/sign-in\?error=sign_in_rejected/);
  await expect(page.getByRole("alert")).toContainText(t.errors.sign_in_rejected, { timeout: 20_000 });
  await page.screenshot({ path: `screenshots/${test.info().project.name}/06-rejected.png`, fullPage: true });
});
