import { test, expect, Browser, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { shot, signIn, signOut, withCheckDigit } from "./helpers";

// The council's data-protection officer (issue 16): records a breach touching a family's
// household, sees the 72-hour deadline overdue and the family to notify (masked ID, phone),
// records that the authority was told; runs the retention job and sees the run; reads the
// privacy notice versions. At 390 px in Arabic and in English, with and without JavaScript.
// No new notice version is published here: the other specs share this server and its families.

const locale = (english: boolean) =>
  JSON.parse(readFileSync(`../app/locales/${english ? "en" : "ar"}.json`, "utf8"));


const OFFICER = withCheckDigit("100000008");

/** A Jeddah district id from the bundled National Address list. */
function jeddahDistrict(): string {
  const lines = readFileSync("../app/data/places/makkah_region_districts.csv", "utf8").trim().split("\n").slice(1);
  return lines.map((l) => l.split(",")).filter((c) => c[3] === "Jeddah")[5][0];
}

/** A Saudi date `days` ago, YYYY-MM-DD. */
function saudiDate(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * 86_400_000 + 3 * 3_600_000).toISOString().slice(0, 10);
}

async function phonePage(browser: Browser, english: boolean, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({
    locale: english ? "en-US" : "ar-SA",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    javaScriptEnabled,
  });
  return context.newPage();
}

/** Registers the signed-in person's household through the server functions. */
async function registerHousehold(page: Page, phone: string) {
  const origin = new URL(page.url()).origin;
  const steps: [string, Record<string, string>][] = [
    ["/api/save_household_contact", { phone }],
    ["/api/save_household_place", { district_id: jeddahDistrict(), address: "شارع الأمل، بيت ٧" }],
    ["/api/save_household_circumstances", { income_bracket: "under_3000", dependants: "3" }],
    ["/api/save_household_crafts", { sweets: "on" }],
    ["/api/submit_household", { consent: "2026-11" }],
  ];
  for (const [path, form] of steps) {
    const r = await page.request.post(path, { form, headers: { Origin: origin, Accept: "application/json" } });
    expect(r.status(), path).toBe(200);
  }
}

test("the data-protection officer keeps the breach register and the retention runs", async ({ browser }, info) => {
  test.setTimeout(180_000);
  const english = info.project.name.startsWith("desktop-en");
  const js = info.project.name !== "phone-ar-nojs";
  const t = locale(english);
  const n = { "phone-ar-js": "1", "phone-ar-nojs": "2", "desktop-en-js": "3" }[info.project.name] ?? "4";
  const familyId = withCheckDigit(`18000000${n}`);
  const phone = `05500000${n}${n}`;

  // A family with a registered household.
  const family = await phonePage(browser, english, js);
  await signIn(family, familyId);
  await registerHousehold(family, phone);
  await family.context().close();

  // The officer records a breach discovered four days ago: overdue.
  const page = await phonePage(browser, english, js);
  await signIn(page, OFFICER);
  await page.getByRole("link", { name: t.data_protection.nav_breaches, exact: true }).click();
  await expect(page).toHaveURL(/\/data-protection\/breaches$/);
  await page.getByLabel(t.data_protection.what, { exact: true }).fill(
    english ? "A laptop with an export of the queue was stolen." : "سُرق حاسوب محمول عليه تصدير لقائمة الطلبات.",
  );
  await page.getByLabel(t.data_protection.discovered_date).fill(saudiDate(4));
  await page.getByLabel(t.data_protection.discovered_time).fill("09:30");
  await page.getByLabel(t.data_protection.households_field).fill(familyId);
  await page.getByRole("button", { name: t.data_protection.record, exact: true }).click();
  await expect(page).toHaveURL(/\/data-protection\/breaches\/\d+$/);
  const masked = `1•••••••${familyId.slice(8)}`;
  const families = page.locator("main table");
  await expect(families).toContainText(masked);
  await expect(families).toContainText(phone);
  await expect(page.locator("main")).not.toContainText(familyId);
  await expect(page.locator("main dl.facts")).toContainText(t.data_protection.overdue);
  await shot(page, "95-breach-detail");
  await page.getByRole("button", { name: t.data_protection.mark_authority }).click();
  await expect(page.locator("main dl.facts")).toContainText(t.data_protection.late);
  await page.getByRole("link", { name: t.data_protection.back_to_register }).click();
  await expect(page.locator("main table tbody tr").first()).toContainText(t.data_protection.status_authority);
  await shot(page, "96-breach-register");

  // The retention job, run now, with its report.
  await page.getByRole("link", { name: t.data_protection.nav_retention, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(t.data_protection.retention_title);
  await page.getByRole("button", { name: t.data_protection.run_now }).click();
  await expect(page.locator("li.run").first()).toContainText(t.data_protection.by_officer);
  await expect(page.locator("li.run").first()).toContainText(t.data_protection.run_done);
  await shot(page, "97-retention-runs");

  // The notice's versions, and the notice as families read it.
  await page.getByRole("link", { name: t.data_protection.nav_notice, exact: true }).click();
  await expect(page.locator("main")).toContainText("2026-11");
  await shot(page, "98-notice-versions");
  await page.goto("/privacy");
  await expect(page.locator("#notice-text")).toContainText("privacy@takamul.example");
  await shot(page, "99-privacy-notice");
  await signOut(page);
  await page.context().close();
});
