import { test, expect, Page, Browser } from "@playwright/test";
import { shot, withCheckDigit, api, signedIn, locale } from "./helpers";

// Dates people use (issue 21 §5), in every project (390 px Arabic with and without
// JavaScript, desktop English): a member's birth date typed in the Hijri calendar as on her
// ID card (Eastern digits), a wrong Hijri date refused with the translated reason, another
// member's date from the native date picker, both shown in both calendars; the family's
// application shows its date in Gregorian and Hijri. The household itself is registered
// through the server functions its wizard posts to (the wizard is walked in household.spec.ts).

const PROJECTS = ["phone-ar-js", "phone-ar-nojs", "desktop-en-js"];

test("birth dates in either calendar, and applications dated in both", async ({ browser }, info) => {
  const index = PROJECTS.indexOf(info.project.name);
  const english = info.project.name.startsWith("desktop-en");
  const js = info.project.name !== "phone-ar-nojs";
  const t = locale(english);
  const page = await signedIn(browser, withCheckDigit(`10666${index}001`), { english, js, wide: english });
  const wizard = await api(page, "/api/get_household_wizard");
  const jeddah = wizard.cities.find((c: any) => c.name_en === "Jeddah");
  const districts = await api(page, "/api/get_household_wizard", { city_id: String(jeddah.id) });
  await api(page, "/api/save_household_contact", { phone: `05566600${index}1` });
  await api(page, "/api/save_household_place", { district_id: String(districts.districts[2].id), address: "" });
  await api(page, "/api/save_household_circumstances", { income_bracket: "under_3000", dependants: "2" });
  await api(page, "/api/save_household_crafts", { sweets: "on" });
  await api(page, "/api/submit_household", { consent: "2026-11" });

  await page.goto("/household?step=members");
  const form = page.locator("form").filter({ has: page.locator("#member-name") });
  // A month the calendar lacks: refused, with the reason.
  await page.locator("#member-name").fill("هند الحجازية");
  await page.locator("#member-relation").selectOption("daughter");
  await page.locator("#birth-cal-hijri").check();
  await expect(page.locator("#member-birth-hijri")).toBeVisible();
  await expect(page.locator("#member-birth")).toBeHidden();
  await page.locator("#member-birth-hijri").fill("١٤٣١/١٣/٠١");
  await form.getByRole("button", { name: t.household.add_member }).click();
  await expect(page.locator("main")).toContainText(t.errors.hijri_date_invalid);
  await shot(page, "dates-1-hijri-refused");

  // As on her ID card: stored as one date, listed in both calendars.
  if (!js) {
    // Without JavaScript the server answered with the page again: the form is fresh.
    await page.locator("#member-name").fill("هند الحجازية");
    await page.locator("#member-relation").selectOption("daughter");
    await page.locator("#birth-cal-hijri").check();
  }
  await page.locator("#member-birth-hijri").fill("١٤٣١/٠٣/١٨");
  await form.getByRole("button", { name: t.household.add_member }).click();
  const hind = page.locator('li[data-member="هند الحجازية"]');
  await expect(hind).toContainText("2010-03-04");
  await expect(hind).toContainText("1431-03-18");

  // The native date picker (a type=date field) for the Gregorian calendar.
  await page.locator("#member-name").fill("يوسف الحجازي");
  await page.locator("#member-relation").selectOption("son");
  await page.locator("#birth-cal-gregorian").check();
  await expect(page.locator("#member-birth")).toHaveAttribute("type", "date");
  await page.locator("#member-birth").fill("2015-06-01");
  await form.getByRole("button", { name: t.household.add_member }).click();
  const yusuf = page.locator('li[data-member="يوسف الحجازي"]');
  await expect(yusuf).toContainText("2015-06-01");
  await expect(yusuf).toContainText("1436-08-14");
  await shot(page, "dates-2-members-both-calendars");

  // The application's date in both calendars on "My applications".
  const apply = await api(page, "/api/get_apply_form");
  const i = apply.choices.findIndex((c: any) => c.assistance_type.code === "training");
  await api(page, "/api/submit_application", {
    submission_key: apply.submission_key,
    [`lines[0][assistance_type_id]`]: String(apply.choices[i].assistance_type.id),
    [`lines[0][chosen]`]: "1",
    [`lines[0][description]`]: "دورة حلويات لتطوير مشروع الأسرة",
    [`lines[0][amount]`]: "",
  });
  await page.goto("/applications");
  const line = page.locator("li.line").first();
  await expect(line.locator(".dual-date time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}$/);
  await expect(line.locator(".dual-date .hijri")).toContainText(t.site.hijri_era);
  await expect(line.locator(".dual-date .hijri")).toContainText(/14\d\d-\d\d-\d\d/);
  await shot(page, "dates-3-application-dual-date");
  await page.context().close();
});
