import { test, expect } from "@playwright/test";
import { shot, signIn, signOut } from "./helpers";

// The council's and an association's dashboards (issue 18, first slice): headline
// figures, the filters as a plain GET form (with and without JavaScript), and the
// exports. Every project: Arabic at 390 px with and without JavaScript, English on desktop.
test("the council and an association read their figures and download them", async ({ page }, info) => {
  const english = info.project.name.startsWith("desktop-en");
  const tag = `${english ? "en" : "ar"}${info.project.name.endsWith("nojs") ? "-nojs" : ""}`;

  await signIn(page, "1000000016");
  await page.goto("/council/dashboard");
  await expect(page.getByTestId("dashboard")).toBeVisible();
  await expect(page.getByTestId("headlines").locator("li.headline")).not.toHaveCount(0);
  await shot(page, `100-council-dashboard-${tag}`);
  // The filters are a GET form: the view has its own address.
  await page.locator("#from").fill("2026-01-01");
  await page.locator("form.filters button[type=submit]").click();
  await expect(page).toHaveURL(/from=2026-01-01/);
  await expect(page.getByTestId("headlines")).toBeVisible();
  // The workbook downloads (its sheet and values are checked by server/tests/reporting.rs).
  const xlsx = await page.locator('a[href*="/council/dashboard.xlsx"]').getAttribute("href");
  const file = await page.request.get(xlsx!);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-type"]).toContain("spreadsheetml");
  expect((await file.body()).subarray(0, 2).toString()).toBe("PK");
  await signOut(page);

  await signIn(page, "1000000032");
  await page.goto("/association/dashboard");
  await expect(page.getByTestId("dashboard")).toBeVisible();
  await shot(page, `101-association-dashboard-${tag}`);
  // Not the council's.
  const council = await page.request.get("/council/dashboard");
  expect(council.status()).toBe(403);
});
