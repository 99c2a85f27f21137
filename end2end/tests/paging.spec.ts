import { test, expect, Page } from "@playwright/test";
import { shot, signIn, withCheckDigit } from "./helpers";

// Staff lists page (issue 21 §6): a total above the list, "page N / M" with plain previous /
// next links that keep the list's filter, with and without JavaScript.

/** Posts a form to a server function as the signed-in person (a script, as the page's own forms do). */
async function post(page: Page, path: string, form: Record<string, string>) {
  const origin = new URL(page.url()).origin;
  const r = await page.request.post(path, { form, headers: { Origin: origin, Accept: "application/json" } });
  expect(r.status(), `${path}: ${await r.text()}`).toBe(200);
}

/** A different run of IDs and names per project: the projects share one server. */
function run(project: string): string {
  return { "phone-ar-js": "1", "phone-ar-nojs": "2", "desktop-en-js": "3" }[project] ?? "4";
}

test("the access list pages, with its total", async ({ page }, info) => {
  test.setTimeout(120_000);
  const english = info.project.name.startsWith("desktop-en");
  await signIn(page, "1000000024");
  await page.goto("/access");
  const association = await page.locator("#invite-staff input[name=association_id]").getAttribute("value");
  // More people than a page (30): invited as staff of the admin's association.
  for (let i = 0; i < 31; i++) {
    const id = withCheckDigit(`18${run(info.project.name)}${String(i).padStart(6, "0")}`);
    await post(page, "/api/grant_role", { national_id: id, role: "association_staff", association_id: association! });
  }
  await page.goto("/access");
  await expect(page.locator(".list-total")).toContainText(english ? "Total" : "العدد الإجمالي");
  const pager = page.locator("nav.pagination");
  await expect(pager).toContainText(/1 \/ [2-9]/);
  await expect(pager.locator("a[rel=prev]")).toHaveCount(0);
  await shot(page, "paging-access-1");
  await pager.getByRole("link", { name: english ? "Next" : "التالي" }).click();
  await expect(page).toHaveURL(/\/access\?page=2$/);
  await expect(page.locator("nav.pagination")).toContainText(/2 \/ [2-9]/);
  await expect(page.locator("nav.pagination a[rel=prev]")).toHaveAttribute("href", "/access?page=1");
  await expect(page.locator("ul.people > li").first()).toBeVisible();
  await shot(page, "paging-access-2");
});

test("the trainer registry pages and keeps its specialty filter", async ({ page }, info) => {
  test.setTimeout(120_000);
  const english = info.project.name.startsWith("desktop-en");
  await signIn(page, withCheckDigit("100000001"));
  await page.goto("/training/trainers");
  const provider = await page.locator("#trainer-provider option").first().getAttribute("value");
  for (let i = 0; i < 31; i++) {
    await post(page, "/api/save_trainer", {
      provider_id: provider!,
      name_ar: `مدربة التسويق ${run(info.project.name)}-${i}`,
      name_en: `Marketing trainer ${run(info.project.name)}-${i}`,
      "specialties[]": "marketing",
    });
  }
  // The filter form is a GET form: the choice goes into the address.
  await page.goto("/training/trainers");
  await page.locator("#specialty-filter").selectOption("marketing");
  await page.getByRole("button", { name: english ? "Show" : "اعرض" }).click();
  await expect(page).toHaveURL(/specialty=marketing/);
  await expect(page.locator(".list-total")).toBeVisible();
  const next = page.locator("nav.pagination a[rel=next]");
  await expect(next).toHaveAttribute("href", "/training/trainers?specialty=marketing&page=2");
  await next.click();
  await expect(page).toHaveURL(/\/training\/trainers\?specialty=marketing&page=2$/);
  await expect(page.locator("#specialty-filter")).toHaveValue("marketing");
  await expect(page.locator("nav.pagination a[rel=prev]")).toHaveAttribute("href", "/training/trainers?specialty=marketing&page=1");
  await expect(page.locator("li.trainer").first()).toBeVisible();
  await shot(page, "paging-trainers-2");
});
