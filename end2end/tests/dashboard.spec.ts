import { test, expect } from "@playwright/test";
import { inflateRawSync } from "node:zlib";
import { shot, signIn, signOut } from "./helpers";

/** One file of a ZIP archive (an XLSX workbook), found through its central directory. */
function unzipEntry(zip: Buffer, name: string): string {
  let at = 0;
  while ((at = zip.indexOf("PK\x01\x02", at, "latin1")) >= 0) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const entry = zip.subarray(at + 46, at + 46 + nameLength).toString();
    if (entry === name) {
      const local = zip.readUInt32LE(at + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString();
    }
    at += 46;
  }
  throw new Error(`${name} not in the archive`);
}

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
  // The Hijri calendar, by quarter, for the sewing families: still a plain GET.
  await page.locator("#calendar").selectOption("hijri");
  await page.locator("#grain").selectOption("quarter");
  await page.locator("#craft").selectOption("sewing");
  await page.locator("form.filters button[type=submit]").click();
  await expect(page).toHaveURL(/calendar=hijri/);
  await expect(page).toHaveURL(/grain=quarter/);
  await expect(page).toHaveURL(/craft=sewing/);
  await expect(page.getByTestId("trend-chart")).toContainText("Q");
  // Jeddah's districts as a map, one tile each.
  await expect(page.getByTestId("district-map").locator("rect.tile")).toHaveCount(170);
  await shot(page, `102-council-dashboard-hijri-${tag}`);
  // The workbook downloads, and reads: a right-to-left sheet in Arabic, the figures as numbers.
  const xlsx = await page.locator('a[href*="/council/dashboard.xlsx"]').getAttribute("href");
  const file = await page.request.get(xlsx!);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-type"]).toContain("spreadsheetml");
  const sheet = unzipEntry(await file.body(), "xl/worksheets/sheet1.xml");
  expect(sheet.includes('rightToLeft="1"')).toBe(!english);
  expect(sheet).toContain('state="frozen"');
  expect(sheet).toMatch(/<c r="H2"[^>]*><v>\d+(\.\d+)?<\/v><\/c>/);
  // The funder report: one printable page of the same figures.
  await page.goto("/council/funder-report?association=1");
  await expect(page.getByTestId("funder-report")).toBeVisible();
  await expect(page.getByTestId("outcomes")).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await shot(page, `103-funder-report-print-${tag}`);
  await page.emulateMedia({ media: "screen" });
  await signOut(page);

  await signIn(page, "1000000032");
  await page.goto("/association/dashboard");
  await expect(page.getByTestId("dashboard")).toBeVisible();
  await shot(page, `101-association-dashboard-${tag}`);
  // Not the council's.
  const council = await page.request.get("/council/dashboard");
  expect(council.status()).toBe(403);
});
