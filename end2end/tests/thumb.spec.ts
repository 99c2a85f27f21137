import { test, expect, Page } from "@playwright/test";
import { shot, sidewaysOverflow, signIn } from "./helpers";

// Issue 21 items 6 and 7: the signed-in navigation fits one row (the rest under "More",
// a <details> that opens without JavaScript), and the coverage matrix reads at a glance.

async function navFitsOneRow(page: Page) {
  const tops = await page.locator(".site-nav ul.nav-row > li").evaluateAll((items) =>
    items.map((li) => Math.round(li.getBoundingClientRect().top)),
  );
  expect(tops.length).toBeGreaterThan(1);
  for (const top of tops) expect(Math.abs(top - tops[0])).toBeLessThanOrEqual(2);
  const nav = await page.locator(".site-nav").boundingBox();
  expect(nav!.height).toBeLessThan(80);
  // Nothing sticks out sideways.
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
}

test("a family's navigation fits one row, the rest under More", async ({ page }, info) => {
  const english = info.project.name.startsWith("desktop-en");
  await signIn(page, "1000000065");
  await navFitsOneRow(page);
  const nav = page.locator(".site-nav");
  // The family's own pages are in the row.
  await expect(nav.getByRole("link", { name: english ? "My applications" : "طلباتي" })).toBeVisible();
  // Sign out waits under "More" until it is opened.
  const signOut = nav.getByRole("button", { name: english ? "Sign out" : "تسجيل الخروج" });
  await expect(signOut).toBeHidden();
  await shot(page, "thumb-01-family-nav");
  await nav.locator("summary").click();
  await expect(signOut).toBeVisible();
  await expect(nav.getByRole("link", { name: english ? "Market" : "السوق" }).first()).toBeVisible();
  await shot(page, "thumb-02-family-more");
});

test("the council's navigation fits one row and the matrix reads at a glance", async ({ page }, info) => {
  const english = info.project.name.startsWith("desktop-en");
  await signIn(page, "1000000016");
  await navFitsOneRow(page);
  await page.goto("/coverage");
  // The totals are figures: three numbers, each under its state.
  const figures = page.locator(".coverage-figures dd");
  await expect(figures).toHaveCount(3);
  for (const dd of await figures.all()) await expect(dd).toHaveText(/^\d+$/);
  // Cells are coloured by state; a named cell carries the full name on hover and for screen readers.
  await expect(page.locator("table.matrix td.cell").first()).toBeVisible();
  const named = page.locator("table.matrix td.cell[title]").first();
  if (await named.count()) {
    const title = (await named.getAttribute("title"))!;
    await expect(named.locator(".visually-hidden").last()).not.toHaveText("");
    expect(title.length).toBeGreaterThan(0);
  }
  await expect(page.locator(".matrix-legend li")).toHaveCount(4);
  await shot(page, "thumb-03-matrix");
  // One type at a time.
  const type = page.getByLabel(english ? "Type of support" : "نوع الدعم");
  const second = await type.locator("option").nth(1).getAttribute("value");
  await type.selectOption(second!);
  await page.getByRole("button", { name: english ? "Apply" : "تطبيق" }).click();
  await expect(page.locator("table.matrix thead th")).toHaveCount(2);
  // The duplicates list pages: a total above the pairs when there are any.
  await page.goto("/council/duplicates");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("#duplicates-total, main p.muted").first()).toBeVisible();
});
