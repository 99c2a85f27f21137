import { test, expect, Page } from "@playwright/test";
import { hasJavaScript, inEnglish, shot, signIn, signOut, withCheckDigit as nationalId } from "./helpers";

// Every project runs the whole story with its own people and course: Arabic phone with and
// without JavaScript, English on the phone with and without, and English on a desktop
// (at phone width too, for the screenshots).
const RUN: Record<string, { prefix: string; title: string }> = {
  "phone-ar-js": { prefix: "130000", title: "تغليف الحلويات للهدايا" },
  "phone-ar-nojs": { prefix: "131000", title: "تصوير المنتجات بالجوال" },
  "phone-en-js": { prefix: "139100", title: "تسعير المنتجات البيتية" },
  "phone-en-nojs": { prefix: "139200", title: "تصميم الشعار للمتجر" },
  "desktop-en-js": { prefix: "132000", title: "البيع عبر واتساب" },
};
const HIND_NAKHLA_ADMIN = "1000000024";
const TRAINER = "1000000057";


function isoDate(daysFromToday: number): string {
  const d = new Date(Date.now() + 3 * 3600_000 + daysFromToday * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Registers the signed-in person's household through the wizard's own server functions. */
async function registerHousehold(page: Page) {
  // Any district will do: the shop form lists them all.
  await page.goto("/my-shop");
  const district = await page.locator('select[name="district_id"] option:not([value=""])').nth(5).getAttribute("value");
  const steps: [string, Record<string, string>][] = [
    ["/api/save_household_contact", { phone: "0551234567" }],
    ["/api/save_household_place", { district_id: district!, address: "شارع الورد" }],
    ["/api/save_household_circumstances", { income_bracket: "under_3000", dependants: "3" }],
    ["/api/save_household_crafts", { sweets: "on" }],
    ["/api/submit_household", { consent: "2026-11" }],
  ];
  for (const [path, form] of steps) {
    const response = await page.request.post(path, { form });
    expect(response.ok(), path).toBeTruthy();
  }
}

const button = (page: Page, name: RegExp) => page.getByRole("button", { name });

test("a course fills up, the waitlist moves, the trainer takes attendance, and the certificate prints and verifies", async ({ page }, info) => {
  test.setTimeout(300_000);
  const run = RUN[info.project.name];
  const english = inEnglish();
  if (english) await page.setViewportSize({ width: 390, height: 844 });
  const [first, second, third] = ["1", "2", "3"].map((n) => nationalId(`${run.prefix}00${n}`));

  // The association (a training provider) creates the course with two seats and two sessions.
  await signIn(page, HIND_NAKHLA_ADMIN);
  await page.goto("/training");
  await page.locator("#new-course").click();
  await page.locator("#title-ar").fill(run.title);
  await page.locator("#description-ar").fill("دورة قصيرة عملية للأسر المنتجة.");
  await page.locator("#specialty").selectOption("packaging");
  const trainer = await page.locator("#trainer option", { hasText: /فهد|Fahad/ }).getAttribute("value");
  await page.locator("#trainer").selectOption(trainer!);
  await page.locator("#district").selectOption({ index: 6 });
  await page.locator("#venue").fill("قاعة الجمعية");
  await page.locator("#seats").fill("٢");
  await page.locator("#opens-on").fill(isoDate(0));
  await page.locator("#closes-on").fill(isoDate(30));
  await button(page, /احفظ الدورة|Save the course/).click();
  await expect(page).toHaveURL(/\/training\/courses\/\d+$/);
  const manageUrl = new URL(page.url()).pathname;
  const courseId = manageUrl.split("/").pop();
  for (const [date, from, to] of [[isoDate(40), "16:00", "18:00"], [isoDate(42), "16:00", "18:00"]]) {
    await page.locator("#session-date").fill(date);
    await page.locator("#session-starts").fill(from);
    await page.locator("#session-ends").fill(to);
    await button(page, /أضف لقاء|Add a session/).click();
  }
  await expect(page.locator("ol.sessions li")).toHaveCount(2);
  await page.locator("#to-open").click();
  await expect(page.locator(".state-open")).toBeVisible();
  await shot(page, "70-course-manage");
  await signOut(page);

  // The first family enrolls in one tap.
  await signIn(page, first);
  await registerHousehold(page);
  await page.goto("/courses");
  await shot(page, "71-course-list");
  await page.getByRole("link", { name: run.title }).click();
  await expect(page).toHaveURL(`/courses/${courseId}`);
  await button(page, /سجّلني في الدورة|Enroll me/).click();
  await expect(page.locator("#enrollment-state")).toContainText(/مسجل|enrolled/);
  await signOut(page);

  // The second takes the last seat; the third joins the waitlist, first in line.
  await signIn(page, second);
  await registerHousehold(page);
  await page.goto(`/courses/${courseId}`);
  await button(page, /سجّلني في الدورة|Enroll me/).click();
  await expect(page.locator("#enrollment-state")).toContainText(/مسجل|enrolled/);
  await signOut(page);
  await signIn(page, third);
  await registerHousehold(page);
  await page.goto(`/courses/${courseId}`);
  await expect(page.locator(".state-full")).toBeVisible();
  await button(page, /انضم إلى قائمة الانتظار|Join the waitlist/).click();
  await expect(page.locator("#enrollment-state")).toContainText(/ترتيبك 1|number 1/);
  await shot(page, "72-course-waitlisted");
  await signOut(page);

  // The first cancels: the seat goes to the third at once, who is told on "my courses".
  await signIn(page, first);
  await page.goto("/my-courses");
  await page.locator("li.my-course", { hasText: run.title }).getByRole("button", { name: /ألغِ تسجيلي|Cancel my enrollment/ }).click();
  await expect(page.locator("li.my-course", { hasText: run.title })).toHaveCount(0);
  await signOut(page);
  await signIn(page, third);
  await page.goto("/my-courses");
  await expect(page.locator("#promoted")).toContainText(run.title);
  await expect(page.locator("li.my-course", { hasText: run.title }).locator(".state-enrolled")).toBeVisible();
  await shot(page, "73-my-courses-promoted");
  await signOut(page);

  // The course starts; the trainer takes attendance from a phone, one tap per person.
  await signIn(page, HIND_NAKHLA_ADMIN);
  await page.goto(manageUrl);
  await page.locator("#to-running").click();
  await expect(page.locator(".state-running")).toBeVisible();
  await signOut(page);
  await signIn(page, TRAINER);
  await page.goto("/training");
  await page.locator("tr", { hasText: run.title }).getByRole("link", { name: /تحضير|Attendance/ }).click();
  for (const session of [0, 1]) {
    await page.locator(".session-tabs a").nth(session).click();
    const rows = page.locator(".attendance-row");
    await expect(rows).toHaveCount(2);
    if (session === 0 && hasJavaScript()) {
      // The hall's network drops for three taps: each shows at once and waits in the
      // phone; back online, they go in order, each once (a key per tap).
      // Taps are kept in the phone only once the sheet's island is awake.
      await expect(page.locator(".attendance-queue[data-awake]")).toHaveCount(1);
      await page.context().setOffline(true);
      await rows.nth(0).getByRole("button", { name: /غائب|Absent/ }).click();
      await rows.nth(1).getByRole("button", { name: /غائب|Absent/ }).click();
      await rows.nth(0).getByRole("button", { name: /حاضر|Present/ }).click();
      await expect(rows.nth(0).locator(".mark-present")).toHaveAttribute("aria-pressed", "true");
      await expect(page.locator(".tap-waiting")).toHaveCount(2);
      await shot(page, "74-attendance-offline");
      await page.context().setOffline(false);
      await expect(page.locator(".tap-waiting")).toHaveCount(0, { timeout: 20_000 });
      // What the server holds: the last tap of each person.
      await page.reload();
      await expect(rows.nth(0).locator(".mark-present")).toHaveAttribute("aria-pressed", "true");
      await expect(rows.nth(1).locator(".mark-absent")).toHaveAttribute("aria-pressed", "true");
    }
    for (let i = 0; i < 2; i++) {
      await rows.nth(i).getByRole("button", { name: /حاضر|Present/ }).click();
      await expect(page.locator(".attendance-row").nth(i).locator(".mark-present")).toHaveAttribute("aria-pressed", "true");
    }
    // Every tap is through before the page is left.
    await expect(page.locator(".tap-waiting")).toHaveCount(0, { timeout: 20_000 });
  }
  await shot(page, "74-attendance");
  await signOut(page);

  // The provider finishes the course: both attended every session and get certificates.
  await signIn(page, HIND_NAKHLA_ADMIN);
  await page.goto(manageUrl);
  await page.locator("#to-finished").click();
  await expect(page.locator(".state-finished")).toBeVisible();
  await shot(page, "75-course-finished");
  await signOut(page);

  await signIn(page, third);
  await page.goto("/my-courses");
  await page.locator("li.my-course", { hasText: run.title }).getByRole("link", { name: /الشهادة|Certificate/ }).click();
  const certificate = page.locator("#certificate");
  await expect(certificate).toContainText(run.title);
  const code = (await certificate.locator(".code").textContent())!.trim();
  expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
  await shot(page, "76-certificate");
  // Printed: only the certificate, on A4 landscape.
  await page.setViewportSize({ width: 1123, height: 794 });
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(certificate).toBeVisible();
  await page.screenshot({ path: `screenshots/${info.project.name}/77-certificate-print.png` });
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 390, height: 844 });
  await signOut(page);

  // Anyone verifies it by its code, and sees only the name and the course.
  await page.goto("/verify");
  await page.locator("#code").fill(code.toLowerCase());
  await button(page, /^(تحقق|Verify)$/).click();
  await expect(page.locator("#verify-result")).toContainText(run.title);
  await expect(page.locator("#verify-result")).toContainText(/شهادة صحيحة|valid certificate/);
  await shot(page, "78-verify");
  await page.goto("/verify/AAAA-BBBB-CCCC-DDDD-EEEE");
  await expect(page.locator("#verify-result")).toContainText(/لا توجد شهادة|No certificate/);
  if (english) expect(await page.locator("html").getAttribute("dir")).toBe("ltr");
});
