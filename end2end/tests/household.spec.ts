import { test, expect } from "@playwright/test";
import { shot, signIn } from "./helpers";

// Phone projects only (see playwright.config.ts); each uses its own family.
const FAMILY: Record<string, string> = { "phone-ar-js": "1000000065", "phone-ar-nojs": "2000000071" };

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
  await page.getByLabel("تاريخ الميلاد").fill("2010-03-04");
  await page.getByRole("button", { name: "إضافة فرد" }).click();
  await expect(page.locator("ul.members")).toContainText("سارة محمد الأسرية");
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
