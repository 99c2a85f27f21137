import { test, expect, Page, Browser } from "@playwright/test";
import { readFileSync } from "node:fs";
import { shot, signIn, withCheckDigit as nationalId, api } from "./helpers";

// Issue 21 item 1: one search box for staff. Al Nakhla's caseworker finds a family it
// serves by phone (any Saudi form) and by national ID in Eastern-Arabic digits, with a
// link to its case; a registered family it does not serve shows only "registered /
// served by / benefits", never its name. Each project has its own families.
const RUN: Record<string, { prefix: string; phone: string; other: string }> = {
  "phone-ar-js": { prefix: "136100", phone: "0557771361", other: "0557771461" },
  "phone-ar-nojs": { prefix: "136200", phone: "0557771362", other: "0557771462" },
  "desktop-en-js": { prefix: "136300", phone: "0557771363", other: "0557771463" },
};
const MONA_NAKHLA_STAFF = "1000000032";
const locale = (english: boolean) =>
  JSON.parse(readFileSync(`../app/locales/${english ? "en" : "ar"}.json`, "utf8")).search;

/** A family registers (its phone given) and, when `apply`, asks Al Nakhla for training. */
async function family(browser: Browser, id: string, phone: string, apply: boolean) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "ar-SA" });
  const page = await context.newPage();
  await signIn(page, id);
  const wizard = await api(page, "/api/get_household_wizard");
  const jeddah = wizard.cities.find((c: any) => c.name_en === "Jeddah");
  const districts = await api(page, "/api/get_household_wizard", { city_id: String(jeddah.id) });
  await api(page, "/api/save_household_contact", { phone });
  await api(page, "/api/save_household_place", { district_id: String(districts.districts[2].id), address: "شارع النخيل" });
  await api(page, "/api/save_household_circumstances", { income_bracket: "under_3000", dependants: "3" });
  await api(page, "/api/save_household_crafts", { sweets: "on" });
  await api(page, "/api/submit_household", { consent: "2026-11" });
  if (apply) {
    const form = await api(page, "/api/get_apply_form");
    const training = form.choices.find((c: any) => c.assistance_type.code === "training").assistance_type.id;
    await api(page, "/api/submit_application", {
      submission_key: form.submission_key,
      "lines[0][assistance_type_id]": String(training),
      "lines[0][chosen]": "1",
      "lines[0][description]": "أحتاج دورة حلويات",
      "lines[0][amount]": "",
    });
  }
  await context.close();
}

const eastern = (digits: string) => digits.replace(/[0-9]/g, (d) => "٠١٢٣٤٥٦٧٨٩"[Number(d)]);

test("a caseworker finds a family by phone and ID; a family served elsewhere shows no name", async ({ page, browser }, info) => {
  test.setTimeout(240_000);
  const run = RUN[info.project.name];
  const english = info.project.name.startsWith("desktop-en");
  const t = locale(english);
  const served = nationalId(`${run.prefix}001`);
  const other = nationalId(`${run.prefix}002`);
  await family(browser, served, run.phone, true);
  await family(browser, other, run.other, false);
  // The simulator names people it does not know "شخص تجريبي" and the ID's last four digits.
  const servedName = `شخص تجريبي ${served.slice(-4)}`;
  const otherName = `شخص تجريبي ${other.slice(-4)}`;

  await signIn(page, MONA_NAKHLA_STAFF);
  if (english && (await page.locator("html").getAttribute("lang")) !== "en") {
    await page.locator(".language-switch").click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  }
  // The search is in the staff's row of the navigation, which stays one row.
  const nav = page.locator(".site-nav");
  const link = nav.locator("ul.nav-row > li > a", { hasText: t.nav });
  await expect(link).toBeVisible();
  const tops = await page.locator(".site-nav ul.nav-row > li").evaluateAll((items) =>
    items.map((li) => Math.round(li.getBoundingClientRect().top)),
  );
  for (const top of tops) expect(Math.abs(top - tops[0])).toBeLessThanOrEqual(2);
  await link.click();
  await expect(page).toHaveURL(/\/association\/search/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(t.title);

  // By phone, in the international form: a plain GET form.
  const box = page.getByRole("searchbox");
  await box.fill(`+966${run.phone.slice(1)}`);
  await page.getByRole("button", { name: t.submit, exact: true }).click();
  await expect(page).toHaveURL(/q=/);
  const here = page.locator("table.data").first();
  await expect(here.getByRole("link", { name: servedName })).toBeVisible();
  await expect(here).toContainText(run.phone);
  await shot(page, "search-01-by-phone");

  // By national ID in Eastern-Arabic digits; the ID is shown masked.
  await page.getByRole("searchbox").fill(eastern(served));
  await page.getByRole("button", { name: t.submit, exact: true }).click();
  await expect(page.getByText(t.kind_national_id)).toBeVisible();
  await expect(page.locator("table.data").first()).toContainText(`${served[0]}•••••••${served.slice(-2)}`);
  await expect(page.locator("main")).not.toContainText(served);

  // The case page opens from the result.
  await page.getByRole("link", { name: servedName }).click();
  await expect(page).toHaveURL(/\/association\/cases\/\d+/);

  // A registered family Al Nakhla does not serve: only the limited answer.
  await page.goto(`/association/search?q=${encodeURIComponent(other)}`);
  await expect(page.getByRole("heading", { name: t.elsewhere_title })).toBeVisible();
  await expect(page.locator("table.data")).toContainText(t.registered);
  await expect(page.locator("table.data")).toContainText(t.served_by_none);
  await expect(page.locator("main")).not.toContainText(otherName);
  await expect(page.locator("main")).not.toContainText(run.other);
  await shot(page, "search-02-elsewhere");
});
