import { test, expect } from "@playwright/test";
import { inEnglish, locale, shot, signIn, signOut, withCheckDigit } from "./helpers";

// Phone projects only (see playwright.config.ts), in Arabic and English; each uses its own
// family. The demo's two families sign in with their Nafath names; the English runs' families
// are people the Nafath simulator does not know, named by it from their ID's last digits.
type Run = {
  family: string;
  /** The head of household's name as the registry holds it: the Arabic name from Nafath, in either language. */
  familyName: string;
  /** The daughter's national ID: only a claim until she confirms it or staff see a document. */
  daughter: string;
};
function demoPerson(nine: string): Omit<Run, "daughter"> {
  const family = withCheckDigit(nine);
  return { family, familyName: `شخص تجريبي ${family.slice(-4)}` };
}
const RUN: Record<string, Run> = {
  "phone-ar-js": { family: "1000000065", familyName: "نورة عبدالله الأسرية", daughter: "1100005014" },
  "phone-ar-nojs": { family: "2000000071", familyName: "أمينة يوسف المقيمة", daughter: "1100005022" },
  "phone-en-js": { ...demoPerson("109773571"), daughter: withCheckDigit("110000503") },
  "phone-en-nojs": { ...demoPerson("109773682"), daughter: withCheckDigit("110000504") },
};

/** What each run types: Arabic on the Arabic phone (with Eastern-Arabic digits), English on the English one. */
function typed(english: boolean) {
  return english
    ? { phone: "0551234567", address: "Al Amal Street, house 7", dependants: "4", daughter: "Sara Mohammed Al-Usariya",
        hijri: "1431/03/18", training: "A course in packaging and pricing sweets", equipment: "A home sewing machine",
        note: "Home visit on Sunday", referNote: "They run the equipment programme" }
    : { phone: "٠٥٥١٢٣٤٥٦٧", address: "شارع الأمل، بيت ٧", dependants: "٤", daughter: "سارة محمد الأسرية",
        hijri: "١٤٣١/٠٣/١٨", training: "دورة في تغليف الحلويات وتسعيرها", equipment: "ماكينة خياطة منزلية",
        note: "زيارة منزلية يوم الأحد", referNote: "لديهم برنامج المعدات" };
}
// Names from the seeded catalogue and demo data (the database holds both languages).
function names(english: boolean) {
  return english
    ? { jeddah: "Jeddah", training: "Training", equipment: "Equipment and tools", nakhla: "Al Nakhla", bahr: "Al Bahr",
        bahrFull: "Al Bahr Productive Families Society (demo)" }
    : { jeddah: "جدة", training: "التدريب والتأهيل", equipment: "المعدات والأدوات", nakhla: "جمعية النخلة", bahr: "جمعية البحر",
        bahrFull: "جمعية البحر للأسر المنتجة (تجريبية)" };
}

test("a family registers its household through the wizard, step by step", async ({ page }, info) => {
  const english = inEnglish();
  const [t, h, run, say] = [locale(english), locale(english).household, RUN[info.project.name], typed(english)];
  await signIn(page, run.family);
  await page.getByRole("link", { name: h.nav_link }).click();
  await expect(page.locator("[aria-current=step]")).toContainText(h.steps.contact);

  // A wrong phone first: the reason, and the step stays.
  await page.getByLabel(h.phone_label).fill("12345");
  await page.getByRole("button", { name: h.save_next }).click();
  await expect(page.getByRole("alert")).toContainText(t.errors.phone_format);
  await page.getByLabel(h.phone_label).fill(say.phone);
  await shot(page, "10-wizard-contact");
  await page.getByRole("button", { name: h.save_next }).click();

  await expect(page.locator("[aria-current=step]")).toContainText(h.steps.place);
  await page.getByLabel(h.city_label).selectOption({ label: names(english).jeddah });
  await page.getByRole("button", { name: h.choose_city }).click();
  await page.getByLabel(h.district_label, { exact: true }).selectOption({ index: 3 });
  await page.getByLabel(h.address_label).fill(say.address);
  await shot(page, "11-wizard-place");
  await page.getByRole("button", { name: h.save_next }).click();

  await expect(page.locator("[aria-current=step]")).toContainText(h.steps.circumstances);
  await page.getByLabel(h.income.under_3000).check();
  await page.getByLabel(h.dependants_label).fill(say.dependants);
  await shot(page, "12-wizard-circumstances");
  await page.getByRole("button", { name: h.save_next }).click();

  await expect(page.locator("[aria-current=step]")).toContainText(h.steps.members);
  await page.getByLabel(h.member_name).fill(say.daughter);
  await page.getByLabel(h.member_relation).selectOption("daughter");
  // The birth date as on her ID card, in the Hijri calendar; stored as one
  // date and shown in both.
  await page.locator("#birth-cal-hijri").check();
  await page.locator("#member-birth-hijri").fill(say.hijri);
  await page.getByLabel(h.member_national_id).fill(run.daughter);
  await page.getByRole("button", { name: h.add_member }).click();
  await expect(page.locator("ul.members")).toContainText(say.daughter);
  await expect(page.locator("ul.members")).toContainText("2010-03-04");
  await expect(page.locator("ul.members")).toContainText("1431-03-18");
  await shot(page, "13-wizard-members");
  await page.getByRole("link", { name: h.save_next }).click();

  await expect(page.locator("[aria-current=step]")).toContainText(h.steps.crafts);
  await page.getByLabel(h.crafts.sweets).check();
  await page.getByLabel(h.crafts.sewing).check();
  await shot(page, "14-wizard-crafts");
  await page.getByRole("button", { name: h.save_next }).click();

  await expect(page.locator("[aria-current=step]")).toContainText(h.steps.review);
  await expect(page.locator("dl.facts")).toContainText("0551234567");
  await expect(page.locator("dl.facts")).toContainText(h.crafts.sweets);
  await page.getByLabel(h.consent_label).check();
  await page.getByRole("button", { name: h.submit }).click();
  await expect(page.getByRole("status")).toContainText(h.registered);
  await shot(page, "15-wizard-registered");

  // A dropped connection loses nothing: everything saved is there on return.
  await page.goto("/household?step=circumstances");
  await expect(page.getByLabel(h.income.under_3000)).toBeChecked();
  await expect(page.getByLabel(h.dependants_label)).toHaveValue("4");
});

// Runs after the registration above (same file, same project): the household exists.
test("the family applies for two types; one association approves one and refers the other", async ({ page }, info) => {
  const english = inEnglish();
  const [t, run, say, name] = [locale(english), RUN[info.project.name], typed(english), names(english)];
  const [a, line] = [t.applications, t.line];
  await signIn(page, run.family);
  await page.getByRole("link", { name: a.nav_link }).click();
  await page.getByRole("link", { name: a.apply_link }).click();
  // Submitting nothing says what to do.
  await page.getByRole("button", { name: a.submit }).click();
  await expect(page.getByRole("alert")).toContainText(t.errors.nothing_chosen);
  const choice = (type: string) => page.locator("fieldset.choice-block").filter({ has: page.getByText(type, { exact: true }) });
  const training = choice(name.training);
  await training.getByRole("checkbox").check();
  await training.getByLabel(a.description_label).fill(say.training);
  const equipment = choice(name.equipment);
  await equipment.getByRole("checkbox").check();
  await equipment.getByLabel(a.description_label).fill(say.equipment);
  await shot(page, "20-apply");
  await page.getByRole("button", { name: a.submit }).click();
  await expect(page.getByRole("status")).toContainText(a.submitted_ok);
  await expect(page.locator("li.line")).toHaveCount(2);
  await expect(page.locator("li.line").first()).toContainText(name.nakhla);
  await shot(page, "21-my-applications");
  await signOut(page);

  // The routed association's staff member: approve training, refer equipment.
  await signIn(page, "1000000032");
  await page.getByRole("link", { name: t.nav.staff_area }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name.nakhla);
  await shot(page, "22-queue");
  const row = (type: string) => page.locator("table.queue tr").filter({ hasText: run.familyName }).filter({ hasText: type });
  await row(name.training).getByRole("link").click();
  await expect(page.locator("dl.facts").first()).toContainText(say.training);
  // The daughter's ID is a claim: staff confirm it from the family record the mother shows.
  const daughter = page.locator("ul.members li").filter({ hasText: say.daughter });
  await expect(daughter).toContainText(t.claims.unconfirmed);
  await shot(page, "23-line-detail");
  await daughter.getByLabel(t.claims.verify_with).selectOption("family_record");
  await daughter.getByRole("button", { name: t.claims.verify }).click();
  await expect(page.locator("ul.members li").filter({ hasText: say.daughter })).not.toContainText(t.claims.unconfirmed);
  // The same page in the other language, at phone width.
  const [lang, other] = english ? ["en", "ar"] : ["ar", "en"];
  await page.locator(".language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", other);
  await shot(page, `23-line-detail-${other}`);
  await page.locator(".language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  await page.getByRole("button", { name: line.start_review }).click();
  await page.getByRole("button", { name: line.approve }).click();
  await expect(page.locator("main").getByText(a.states.approved).first()).toBeVisible();
  await page.getByLabel(line.add_note).fill(say.note);
  await page.getByRole("button", { name: line.save_note }).click();
  await expect(page.locator("ul.notes")).toContainText(say.note);
  await page.getByRole("link", { name: line.back_to_queue }).click();
  await row(name.equipment).getByRole("link").click();
  await page.getByLabel(line.refer_to).selectOption({ label: name.bahrFull });
  await page.getByLabel(line.refer_note).fill(say.referNote);
  await page.getByRole("button", { name: line.refer, exact: true }).click();
  await expect(page).toHaveURL(/\/association\/queue/);
  await signOut(page);

  // The second association sees the referral.
  await signIn(page, "1000000040");
  await page.getByRole("link", { name: t.nav.staff_area }).click();
  await expect(row(name.equipment)).toContainText(a.states.referred);
  await shot(page, "24-referral-received");
  await signOut(page);

  // The family sees both states and the updates.
  await signIn(page, run.family);
  await page.getByRole("link", { name: a.nav_link }).click();
  await expect(page.locator("li.line").filter({ hasText: name.training })).toContainText(a.states.approved);
  await expect(page.locator("li.line").filter({ hasText: name.equipment })).toContainText(a.states.referred);
  await expect(page.locator("li.line").filter({ hasText: name.equipment })).toContainText(name.bahr);
  // Start of review, approval, referral: new since the family last looked.
  await expect(page.locator("ul.notifications li.unread")).toHaveCount(3);
  await shot(page, "25-my-applications-decided");
});
