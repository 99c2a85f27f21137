import { test, expect } from "@playwright/test";
import { shot, signIn } from "./helpers";

// An association admin opens "Access" from the account page: her association's people, their
// national IDs masked, with revoke and end-sessions buttons (plain forms: they work without JS).
test("an association admin sees who has access, with IDs masked", async ({ page }, info) => {
  const english = info.project.name.startsWith("desktop-en");
  await signIn(page, "1000000024");
  if (english) {
    await page.goto("/account");
  }
  await page.getByRole("link", { name: english ? "Access" : "الصلاحيات" }).click();
  await expect(page).toHaveURL(/\/access$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(english ? "Access and roles" : "الصلاحيات والوصول");
  // Mona, staff of the same association, masked; never her whole ID.
  // (Other tests add people whose masked IDs can look the same; hers is listed first.)
  await expect(page.getByText("1•••••••32").first()).toBeVisible();
  await expect(page.locator("body")).not.toContainText("1000000032");
  await expect(page.getByRole("button", { name: english ? "End sessions" : "إنهاء الجلسات" }).first()).toBeVisible();
  await shot(page, "70-access");
});
