import { test, expect } from "@playwright/test";
import { shot, signIn, signOut } from "./helpers";

// Phone projects only (see playwright.config.ts); each uses its own family.
const FAMILY: Record<string, string> = { "phone-ar-js": "1000000065", "phone-ar-nojs": "2000000071" };
// The daughter's national ID: only a claim until she confirms it or staff see a document.
const DAUGHTER_ID: Record<string, string> = { "phone-ar-js": "1100005014", "phone-ar-nojs": "1100005022" };

test("a family registers its household through the wizard, step by step", async ({ page }, info) => {
  await signIn(page, FAMILY[info.project.name]);
  await page.getByRole("link", { name: "أسرتي" }).click();
  await expect(page.locator("[aria-current=step]")).toContainText("التواصل");

  // A wrong phone first: the reason, and the step stays.
  await page.getByLabel("رقم الجوال").fill("12345");
  await page.getByRole("button", { name: "حفظ ومتابعة" }).click();
  await expect(page.getByRole("alert")).toContainText("رقم الجوال");
  await page.getByLabel("رقم الجوال").fill("٠٥٥١٢٣٤٥٦٧");
  await shot(page, "10-wizard-contact");
  await page.getByRole("button", { name: "حفظ ومتابعة" }).click();

  await expect(page.locator("[aria-current=step]")).toContainText("السكن");
  await page.getByLabel("المدينة أو المحافظة").selectOption({ label: "جدة" });
  await page.getByRole("button", { name: "عرض الأحياء" }).click();
  await page.getByLabel("الحي").selectOption({ index: 3 });
  await page.getByLabel("تفاصيل العنوان (اختياري)").fill("شارع الأمل، بيت ٧");
  await shot(page, "11-wizard-place");
  await page.getByRole("button", { name: "حفظ ومتابعة" }).click();

  await expect(page.locator("[aria-current=step]")).toContainText("الحالة");
  await page.getByLabel("أقل من 3000 ريال").check();
  await page.getByLabel("عدد المعالين").fill("٤");
  await shot(page, "12-wizard-circumstances");
  await page.getByRole("button", { name: "حفظ ومتابعة" }).click();

  await expect(page.locator("[aria-current=step]")).toContainText("الأفراد");
  await page.getByLabel("الاسم الكامل").fill("سارة محمد الأسرية");
  await page.getByLabel("صلة القرابة").selectOption("daughter");
  // The birth date as on her ID card, in the Hijri calendar; stored as one
  // date and shown in both.
  await page.locator("#birth-cal-hijri").check();
  await page.locator("#member-birth-hijri").fill("١٤٣١/٠٣/١٨");
  await page.getByLabel("رقم الهوية (اختياري)").fill(DAUGHTER_ID[info.project.name]);
  await page.getByRole("button", { name: "إضافة فرد" }).click();
  await expect(page.locator("ul.members")).toContainText("سارة محمد الأسرية");
  await expect(page.locator("ul.members")).toContainText("2010-03-04");
  await expect(page.locator("ul.members")).toContainText("1431-03-18");
  await shot(page, "13-wizard-members");
  await page.getByRole("link", { name: "حفظ ومتابعة" }).click();

  await expect(page.locator("[aria-current=step]")).toContainText("الحرف");
  await page.getByLabel("الحلويات").check();
  await page.getByLabel("الخياطة").check();
  await shot(page, "14-wizard-crafts");
  await page.getByRole("button", { name: "حفظ ومتابعة" }).click();

  await expect(page.locator("[aria-current=step]")).toContainText("المراجعة");
  await expect(page.locator("dl.facts")).toContainText("0551234567");
  await expect(page.locator("dl.facts")).toContainText("الحلويات");
  await page.getByLabel("اطلعت على إشعار الخصوصية وأوافق عليه").check();
  await page.getByRole("button", { name: "إرسال التسجيل" }).click();
  await expect(page.getByRole("status")).toContainText("تم تسجيل أسرتك");
  await shot(page, "15-wizard-registered");

  // A dropped connection loses nothing: everything saved is there on return.
  await page.goto("/household?step=circumstances");
  await expect(page.getByLabel("أقل من 3000 ريال")).toBeChecked();
  await expect(page.getByLabel("عدد المعالين")).toHaveValue("4");
});

// Runs after the registration above (same file, same project): the household exists.
test("the family applies for two types; one association approves one and refers the other", async ({ page }, info) => {
  const family = FAMILY[info.project.name];
  const familyName = info.project.name === "phone-ar-js" ? "نورة عبدالله الأسرية" : "أمينة يوسف المقيمة";
  await signIn(page, family);
  await page.getByRole("link", { name: "طلباتي" }).click();
  await page.getByRole("link", { name: "طلب دعم" }).click();
  // Submitting nothing says what to do.
  await page.getByRole("button", { name: "إرسال الطلب" }).click();
  await expect(page.getByRole("alert")).toContainText("اختر نوعًا واحدًا");
  const training = page.locator("fieldset.choice-block").filter({ hasText: "التدريب والتأهيل" });
  await training.getByRole("checkbox").check();
  await training.getByLabel("ما الذي تحتاجه؟").fill("دورة في تغليف الحلويات وتسعيرها");
  const equipment = page.locator("fieldset.choice-block").filter({ hasText: "المعدات والأدوات" });
  await equipment.getByRole("checkbox").check();
  await equipment.getByLabel("ما الذي تحتاجه؟").fill("ماكينة خياطة منزلية");
  await shot(page, "20-apply");
  await page.getByRole("button", { name: "إرسال الطلب" }).click();
  await expect(page.getByRole("status")).toContainText("أُرسل طلبك");
  await expect(page.locator("li.line")).toHaveCount(2);
  await expect(page.locator("li.line").first()).toContainText("جمعية النخلة");
  await shot(page, "21-my-applications");
  await signOut(page);

  // The routed association's staff member: approve training, refer equipment.
  await signIn(page, "1000000032");
  await page.getByRole("link", { name: "مساحة الجمعيات" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("جمعية النخلة");
  await shot(page, "22-queue");
  const row = (type: string) => page.locator("table.queue tr").filter({ hasText: familyName }).filter({ hasText: type });
  await row("التدريب والتأهيل").getByRole("link").click();
  await expect(page.locator("dl.facts").first()).toContainText("تغليف الحلويات");
  // The daughter's ID is a claim: staff confirm it from the family record the mother shows.
  const daughter = page.locator("ul.members li").filter({ hasText: "سارة محمد الأسرية" });
  await expect(daughter).toContainText("بانتظار تأكيد صاحب الهوية");
  await shot(page, "23-line-detail");
  await daughter.getByLabel("تحقّقت الجمعية من الهوية بـ").selectOption("family_record");
  await daughter.getByRole("button", { name: "تأكيد الهوية" }).click();
  await expect(page.locator("ul.members li").filter({ hasText: "سارة محمد الأسرية" })).not.toContainText("بانتظار تأكيد");
  // The same page in English, at phone width.
  await page.locator(".language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await shot(page, "23-line-detail-en");
  await page.locator(".language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await page.getByRole("button", { name: "بدء الدراسة" }).click();
  await page.getByRole("button", { name: "قبول الطلب" }).click();
  await expect(page.locator("main").getByText("مقبول").first()).toBeVisible();
  await page.getByLabel("ملاحظة جديدة").fill("زيارة منزلية يوم الأحد");
  await page.getByRole("button", { name: "حفظ الملاحظة" }).click();
  await expect(page.locator("ul.notes")).toContainText("زيارة منزلية");
  await page.getByRole("link", { name: "العودة إلى القائمة" }).click();
  await row("المعدات والأدوات").getByRole("link").click();
  await page.getByLabel("إحالة إلى").selectOption({ label: "جمعية البحر للأسر المنتجة (تجريبية)" });
  await page.getByLabel("ملاحظة للجمعية المستقبلة").fill("لديهم برنامج المعدات");
  await page.getByRole("button", { name: "إحالة", exact: true }).click();
  await expect(page).toHaveURL(/\/association\/queue/);
  await signOut(page);

  // The second association sees the referral.
  await signIn(page, "1000000040");
  await page.getByRole("link", { name: "مساحة الجمعيات" }).click();
  await expect(row("المعدات والأدوات")).toContainText("محال");
  await shot(page, "24-referral-received");
  await signOut(page);

  // The family sees both states and the updates.
  await signIn(page, family);
  await page.getByRole("link", { name: "طلباتي" }).click();
  await expect(page.locator("li.line").filter({ hasText: "التدريب والتأهيل" })).toContainText("مقبول");
  await expect(page.locator("li.line").filter({ hasText: "المعدات والأدوات" })).toContainText("محال");
  await expect(page.locator("li.line").filter({ hasText: "المعدات والأدوات" })).toContainText("جمعية البحر");
  // Start of review, approval, referral: new since the family last looked.
  await expect(page.locator("ul.notifications li.unread")).toHaveCount(3);
  await shot(page, "25-my-applications-decided");
});
