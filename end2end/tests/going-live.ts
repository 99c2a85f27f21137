import { expect, Browser, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { shot, signIn, signOut, withCheckDigit } from "./helpers";

// Going live (issue 15), walked as people would: the council creates an association and appoints
// its admin (pending until the first Nafath sign-in); the admin invites a staff member, imports a
// 200-row households file with 10 bad rows (the dry run refuses exactly those), commits it, and
// revokes the staff member, who is refused on the next request. Arabic on the phone, English on
// the desktop; both projects share one server, so each uses its own licence and ID ranges.

const locale = (english: boolean) =>
  JSON.parse(readFileSync(`../app/locales/${english ? "en" : "ar"}.json`, "utf8"));


/** Five Jeddah district names from the bundled National Address list (`from`: which five). */
function jeddahDistricts(from: number): string[] {
  const lines = readFileSync("../app/data/places/makkah_region_districts.csv", "utf8").trim().split("\n").slice(1);
  return lines
    .map((l) => l.split(","))
    .filter((c) => c[3] === "Jeddah")
    .map((c) => c[4])
    .slice(from, from + 5);
}

const given = [
  "نورة", "فاطمة", "سارة", "هند", "مريم", "عائشة", "خديجة", "أمل", "منى", "ريم",
  "لطيفة", "جواهر", "نوف", "شهد", "لولوة", "بدرية", "حصة", "العنود", "غادة", "وعد",
];
const family = ["الحربي", "الغامدي", "الزهراني", "القحطاني", "العتيبي", "الشهري", "المالكي", "الجهني", "السلمي", "البقمي"];

/** The head of row `n`: no two rows share a given and a family name, so only the row typed twice looks alike. */
const nameOf = (n: number) => `${given[n % 20]} بنت ${given[(n / 20) % 20 | 0]} ${family[(n / 20) | 0]}`;

/** 200 household rows, 10 of them bad (each for a different reason). */
function householdsFile(base: number, districtsFrom: number): string {
  const districts = jeddahDistricts(districtsFrom);
  let csv =
    "رقم هوية رب الأسرة,اسم رب الأسرة الكامل,رقم الجوال,المدينة,الحي,العنوان,عدد المعالين,الدخل الشهري,الحرف والمهارات\n" +
    "Head national ID,Head full name,Mobile phone,City,District,Address,Dependants,Monthly income,Crafts and skills\n";
  for (let i = 0; i < 200; i++) {
    let id = withCheckDigit(`1${String(base + i).padStart(8, "0")}`);
    let name = nameOf(i);
    let phone = `05${String(base + i).padStart(8, "0")}`;
    let district = districts[i % districts.length];
    let dependants = String(i % 7);
    let income = "under_3000";
    switch (i) {
      case 10: id = id.slice(0, 9) + String((Number(id[9]) + 1) % 10); break;
      case 20: id = "123456789"; break;
      case 30: id = withCheckDigit("300000001"); break;
      case 40: phone = "+14155550100"; break;
      case 50: phone = "0123456789"; break;
      case 60: name = ""; break;
      case 70: district = "حي لا وجود له"; break;
      case 80: dependants = "كثير"; break;
      case 90: id = withCheckDigit(`1${String(base + 5).padStart(8, "0")}`); break;
      case 100: income = "غير معروف"; break;
      // The same family typed twice under another ID: a possible duplicate for the review.
      case 150: name = nameOf(149); phone = `05${String(base + 149).padStart(8, "0")}`; district = districts[149 % districts.length]; break;
    }
    csv += `${id},${name},${phone},جدة,${district},"شارع ${i}، جدة",${dependants},${income},الخياطة\n`;
  }
  return csv;
}

async function asNewPerson(browser: Browser, locale: string, nationalId: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, nationalId);
  return page;
}

/** One walk's language and its own licence, ID range and districts (the projects share a server). */
export interface Walk {
  english: boolean;
  base: number;
  licence: string;
  districtsFrom: number;
  /** Added to the screenshots' names. */
  suffix: string;
}

export const ARABIC_PHONE: Walk = { english: false, base: 45_000_000, licence: "880002", districtsFrom: 20, suffix: "" };
export const ENGLISH_DESKTOP: Walk = { english: true, base: 46_000_000, licence: "880001", districtsFrom: 10, suffix: "" };
export const ARABIC_DESKTOP: Walk = { english: false, base: 47_000_000, licence: "880003", districtsFrom: 30, suffix: "-ar" };

export async function walkGoingLive(page: Page, browser: Browser, walk: Walk) {
  const { english, base, licence, suffix } = walk;
  const t = locale(english);
  const name = english ? "Al Wafa Charity" : "جمعية الوفاء الخيرية";
  const adminId = withCheckDigit(String(base + 900).padStart(9, "1").slice(0, 9));
  const staffId = withCheckDigit(String(base + 901).padStart(9, "1").slice(0, 9));

  // The council creates the association and appoints its admin.
  await signIn(page, "1000000016");
  await page.getByRole("link", { name: t.network.nav_link, exact: true }).click();
  await expect(page).toHaveURL(/\/council\/associations$/);
  await page.getByRole("link", { name: t.network.add }).click();
  await page.getByLabel(t.network.licence, { exact: true }).fill(licence);
  await page.getByLabel(t.network.name_ar).fill("جمعية الوفاء الخيرية");
  await page.getByLabel(t.network.name_en).fill("Al Wafa Charity");
  await page.getByLabel(t.network.phone).fill("012 657 0000");
  await page.getByRole("button", { name: t.network.save, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await page.getByLabel(t.network.admin_national_id).fill(adminId);
  await page.getByRole("button", { name: t.network.appoint }).click();
  await expect(page.getByText(t.network.pending, { exact: true })).toBeVisible();
  // A logo, as a council member would upload it (a picture of the page will do).
  const logo = await page.screenshot({ clip: { x: 0, y: 0, width: 240, height: 240 } });
  await page.locator("#logo").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: logo });
  await page.getByRole("button", { name: t.network.logo_upload }).click();
  await expect(page.locator("img.association-logo")).toBeVisible();
  await shot(page, `90-council-association${suffix}`);
  await signOut(page);

  // The admin signs in (the invitation is taken up) and invites a staff member.
  await signIn(page, adminId);
  await page.goto("/access");
  await page.getByLabel(t.access.invite_national_id).fill(staffId);
  await page.getByRole("button", { name: t.access.invite, exact: true }).click();
  await expect(page.getByText(`1•••••••${staffId.slice(8)}`)).toBeVisible();
  await shot(page, `91-access-invite${suffix}`);
  const staff = await asNewPerson(browser, english ? "en-US" : "ar-SA", staffId);
  await staff.goto("/association/queue");
  await expect(staff.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(staff.locator("main")).not.toContainText(t.errors.forbidden);

  // The admin imports the families the association already serves.
  await page.goto("/association/imports");
  await page.locator("#import-file").setInputFiles({
    name: "families.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(householdsFile(base, walk.districtsFrom), "utf8"),
  });
  await page.getByRole("button", { name: t.imports.check }).click();
  await expect(page.locator(".import-counts")).toContainText(t.imports.count_refuse.replace("{{ n }}", "10"));
  await shot(page, `92-import-dry-run${suffix}`);
  await page.getByRole("button", { name: t.imports.commit }).click();
  await expect(page.getByText(t.imports.done)).toBeVisible({ timeout: 60_000 });
  await expect(page.locator(".import-counts")).toContainText(t.imports.count_refuse.replace("{{ n }}", "10"));
  // new · already there · to duplicate review (created too) · refused
  const counts = (await page.locator(".import-counts").textContent())!.match(/\d+/g)!.map(Number);
  expect(counts[0]).toBe(190);
  // The family typed twice: both rows are created and sent to the review as one pair.
  expect(counts[2]).toBe(2);
  expect(counts[3]).toBe(10);
  await shot(page, `93-import-done${suffix}`);

  // The admin revokes the staff member, who is refused on the next request.
  await page.goto("/access");
  const person = page.locator("li.person", { hasText: `1•••••••${staffId.slice(8)}` });
  await person.getByRole("button", { name: t.access.revoke }).click();
  await expect(page.locator("li.person", { hasText: `1•••••••${staffId.slice(8)}` })).toHaveCount(0);
  await page.goto("/access/history");
  await expect(page.locator("main")).toContainText(t.access.did_revoke);
  await shot(page, `94-access-history${suffix}`);
  await staff.goto("/association/queue");
  await expect(staff.locator("main")).toContainText(t.errors.forbidden);
  await staff.context().close();

  // The council finds the family typed twice in its duplicate review.
  await signOut(page);
  await signIn(page, "1000000016");
  await page.goto("/council/duplicates");
  await expect(page.locator("main")).toContainText(nameOf(149));
  await shot(page, `95-duplicate-review${suffix}`);
}
