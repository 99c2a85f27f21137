import { test, expect, Page, Browser } from "@playwright/test";
import { decideInSimulator, shot, withCheckDigit } from "./helpers";

// Issue 21 §2 and §8: a caseworker registers a walk-in family and applies for it at the
// counter; the receipt and the household file print on A4 without the navigation; the head
// confirms on the next Nafath sign-in. Each project uses its own family. On desktop the
// caseworker and the family work without JavaScript (a browser of their own).
const HEAD: Record<string, string> = {
  "phone-ar-js": withCheckDigit("107777701"),
  "phone-ar-nojs": withCheckDigit("107777702"),
  "desktop-en-js": withCheckDigit("107777703"),
};
const STAFF_NAKHLA = "1000000032";

/** Signs in through the simulator; `js` says whether this page runs JavaScript. */
async function signIn(page: Page, nationalId: string, js: boolean) {
  await page.goto("/sign-in");
  await page.getByLabel(/رقم الهوية الوطنية أو الإقامة|National ID or Iqama number/).fill(nationalId);
  await page.getByRole("button", { name: /متابعة عبر نفاذ|Continue with Nafath/ }).click();
  await expect(page).toHaveURL(/\/sign-in\/wait/);
  const number = (await page.getByTestId("nafath-number").textContent())!.trim();
  await decideInSimulator(page, nationalId, { number });
  if (js) await expect(page).not.toHaveURL(/\/sign-in\/wait/, { timeout: 20_000 });
  else await page.getByRole("button", { name: /أكّدت في نفاذ|I confirmed in Nafath/ }).click();
  await expect(page.getByTestId("account-national-id")).toHaveText(nationalId, { timeout: 20_000 });
}

/** The page to work in: the project's own, or on desktop a fresh one without JavaScript. */
async function workPage(page: Page, browser: Browser, project: string): Promise<{ page: Page; js: boolean }> {
  if (project !== "desktop-en-js") return { page, js: test.info().project.use.javaScriptEnabled !== false };
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "en-US",
    javaScriptEnabled: false,
    baseURL: test.info().project.use.baseURL,
  });
  return { page: await context.newPage(), js: false };
}

/** Printed: A4 media, no header or navigation, nothing marked "no-print". */
async function expectPrinted(page: Page, name: string) {
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-nav")).toBeHidden();
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.locator("main .no-print").first()).toBeHidden();
  await shot(page, name);
  await page.emulateMedia({ media: "screen" });
  await expect(page.locator(".site-header")).toBeVisible();
}

test("a caseworker applies at the counter for a walk-in family; the head confirms; receipt and file print", async ({ page: projectPage, browser }, info) => {
  const head = HEAD[info.project.name];
  const { page, js } = await workPage(projectPage, browser, info.project.name);

  // The caseworker registers the family that walked in.
  await signIn(page, STAFF_NAKHLA, js);
  await page.goto("/association/walk-in");
  await page.getByLabel(/هوية رب الأسرة أو الإقامة|Head's national ID or Iqama/).fill(head);
  await page.getByLabel(/الاسم الكامل لرب الأسرة|Head's full name/).fill("هند سالم الحضورية");
  await page.getByLabel(/رقم الجوال|Mobile number/).fill("0553334444");
  await page.getByLabel(/^(الحي|District)$/).selectOption({ index: 2 });
  await page.getByRole("button", { name: /^(تسجيل|Register)$/ }).click();
  await expect(page.getByRole("status")).toContainText(/تم التسجيل|Registered/);

  // …and applies for support on its behalf, with the family's own form.
  await page.getByRole("link", { name: /تقديم طلب دعم للأسرة|Apply for support for this family/ }).click();
  await expect(page.locator("h1")).toContainText(/طلب دعم من مكتب الجمعية|Support application at the counter/);
  await expect(page.locator("main")).toContainText("هند سالم الحضورية");
  const training = page.locator("fieldset.choice-block").filter({ hasText: /التدريب والتأهيل|Training/ });
  await training.getByRole("checkbox").check();
  await training.getByLabel(/ما الذي تحتاجه؟|What do you need\?/).fill("دورة خياطة لتبدأ الأسرة مشروعها");
  await shot(page, "60-counter-apply");
  await page.getByRole("button", { name: /إرسال الطلب|Send the application/ }).click();

  // The receipt: reference number, the date in both calendars, the type, its state, the association.
  await expect(page).toHaveURL(/\/applications\/receipts\/\d+\?made=1/);
  await expect(page.getByTestId("reference")).toHaveText(/^T-\d{6,}$/);
  const reference = (await page.getByTestId("reference").textContent())!.trim();
  await expect(page.locator(".receipt")).toContainText(/هـ|AH/);
  await expect(page.locator(".receipt")).toContainText(/التدريب والتأهيل|Training/);
  await expect(page.getByTestId("awaiting-head")).toBeVisible();
  await shot(page, "61-counter-receipt");
  await expectPrinted(page, "62-counter-receipt-print");

  // The household file, for the paper archive.
  await page.getByRole("link", { name: /^(رجوع|Back)$/ }).click();
  await expect(page).toHaveURL(/\/association\/households\/\d+$/);
  await expect(page.locator(".household-file")).toContainText("هند سالم الحضورية");
  await expect(page.locator(".household-file")).toContainText(reference);
  await expect(page.locator(".household-file [data-testid=awaiting-head]").first()).toBeVisible();
  await shot(page, "63-household-file");
  await expectPrinted(page, "64-household-file-print");

  // The head's next sign-in: the account page asks; the receipt first, then "confirm".
  await page.context().clearCookies();
  await signIn(page, head, js);
  const asked = page.locator("#counter-applications");
  await expect(asked).toContainText(/طلبات قدّمتها جمعية نيابة عنك|Applications an association made for you/);
  await expect(asked).toContainText(reference);
  await shot(page, "65-head-asked");
  await asked.getByRole("link", { name: reference }).click();
  await expect(page.getByTestId("reference")).toHaveText(reference);
  await shot(page, "66-head-receipt");
  await page.goto("/account");
  await page.locator("#counter-applications").getByRole("button", { name: /نعم، أؤكد الطلب|Yes, I confirm/ }).click();
  await expect(page).toHaveURL(/\/applications\?counter=confirmed/);
  await expect(page.getByRole("status").first()).toContainText(/أكّدت الطلب|the application is confirmed/);
  await expect(page.locator("#counter-applications")).toHaveCount(0);
  await shot(page, "67-head-confirmed");
  if (page !== projectPage) await page.context().close();
});
