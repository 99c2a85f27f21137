import { test, expect, Page, Browser } from "@playwright/test";
import { shot, withCheckDigit as nationalId, api, signedIn } from "./helpers";

// Documents with an application (issue 21 §4). The council asks for a municipal
// licence (required) and an ID copy (optional) with "licensing" (led by Al Bahr
// in the demo), on its catalogue page at 1280 px without JavaScript. A family,
// on a 390 px phone in Arabic, ticks licensing on the apply form: a file that is
// neither a PDF nor a photo is refused with a message and nothing is saved; then
// the licence as a PDF and the ID as a photo are sent with the application. Al
// Bahr's caseworker (desktop, no JavaScript) opens the line and the documents in
// the browser; another association's caseworker is refused; the family's
// "My data" says Al Bahr opened a document. The form refused comes back filled
// in, and the family adds one more document after sending. At the counter, Al
// Bahr's caseworker applies for licensing for a walk-in family with the licence
// it brought (JavaScript off where a caseworker would meet it).
const RUN: Record<string, { prefix: string; phone: string }> = {
  "phone-ar-js": { prefix: "138100001", phone: "0557781381" },
  "phone-ar-nojs": { prefix: "138100002", phone: "0557781382" },
  "desktop-en-js": { prefix: "138100003", phone: "0557781383" },
};
const COUNCIL = "1000000016";
const REEM_BAHR_STAFF = "1000000040";
const MONA_NAKHLA_STAFF = "1000000032";

/** A minimal well-formed PDF (a header, one object, a cross-reference, the end marker). */
function pdf(): Buffer {
  const head = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  const xref = head.length;
  return Buffer.from(`${head}xref\n0 2\n0000000000 65535 f \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
}

test("a family applies with documents; the serving association opens them, audited", async ({ browser }, info) => {
  test.setTimeout(240_000);
  const run = RUN[info.project.name];
  const english = info.project.name.startsWith("desktop-en");
  const js = info.project.name !== "phone-ar-nojs";
  const lang = english ? "en" : "ar";
  const family = nationalId(run.prefix);

  // The council asks for the documents, on its catalogue page (once per server).
  const council = await signedIn(browser, COUNCIL, { wide: true, js: false, english });
  await council.goto("/council/catalogue");
  const licensing = council.locator("li", { has: council.locator("bdi", { hasText: /^licensing$/ }) });
  const kinds = licensing.locator("details.document-kinds");
  if ((await kinds.locator("input[name=name_en][value='Municipal licence']").count()) === 0) {
    await kinds.locator("summary").click();
    const add = kinds.locator("form.kind-form").last();
    await add.locator("input[name=name_ar]").fill("رخصة البلدية");
    await add.locator("input[name=name_en]").fill("Municipal licence");
    await add.locator("input[name=required]").check();
    await add.locator("button[type=submit]").click();
    await expect(council).toHaveURL(/\/council\/catalogue/);
    const again = council.locator("li", { has: council.locator("bdi", { hasText: /^licensing$/ }) }).locator("details.document-kinds");
    await again.locator("summary").click();
    const second = again.locator("form.kind-form").last();
    await second.locator("input[name=name_ar]").fill("صورة الهوية الوطنية");
    await second.locator("input[name=name_en]").fill("National ID copy");
    await second.locator("button[type=submit]").click();
  }
  const open = council.locator("li", { has: council.locator("bdi", { hasText: /^licensing$/ }) }).locator("details.document-kinds");
  await open.locator("summary").click();
  await expect(open.locator("input[name=name_en][value='Municipal licence']")).toBeVisible();
  await council.locator("li", { has: council.locator("bdi", { hasText: /^licensing$/ }) })
    .screenshot({ path: `screenshots/${info.project.name}/d1-council-documents-${lang}.png` });

  // The family registers (through the server functions the wizard posts to).
  const home = await signedIn(browser, family, { wide: false, js, english });
  const wizard = await api(home, "/api/get_household_wizard");
  const jeddah = wizard.cities.find((c: any) => c.name_en === "Jeddah");
  const districts = await api(home, "/api/get_household_wizard", { city_id: String(jeddah.id) });
  await api(home, "/api/save_household_contact", { phone: run.phone });
  await api(home, "/api/save_household_place", { district_id: String(districts.districts[4].id), address: "شارع الورد" });
  await api(home, "/api/save_household_circumstances", { income_bracket: "3000_6000", dependants: "2" });
  await api(home, "/api/save_household_crafts", { sweets: "on" });
  await api(home, "/api/submit_household", { consent: "2026-11" });

  // The apply form shows the documents under licensing once it is ticked.
  await home.goto("/applications/new");
  const block = home.locator("fieldset.choice-block", { hasText: english ? "Licensing and documents" : "التراخيص والوثائق" });
  await block.locator("input[type=checkbox]").check();
  await block.locator("textarea").fill(english ? "A municipal licence for my home kitchen" : "أحتاج رخصة بلدية لمطبخي المنزلي");
  const licence = block.getByLabel(english ? /Municipal licence/ : /رخصة البلدية/);
  const idCopy = block.getByLabel(english ? /National ID copy/ : /صورة الهوية الوطنية/);
  await expect(licence).toBeVisible();
  await shot(home, `d2-apply-with-documents-${lang}`);

  // A file that is neither a PDF nor a photo: refused with a message, nothing saved.
  await licence.setInputFiles({ name: "licence.txt", mimeType: "text/plain", buffer: Buffer.from("not a licence") });
  await home.getByRole("button", { name: english ? "Send the application" : "إرسال الطلب" }).click();
  await expect(home).toHaveURL(/draft=.*error=document_wrong_type/);
  await expect(home.locator("#apply-error")).toContainText(english ? "neither a PDF nor a photo" : "ليس PDF ولا صورة");
  // The form comes back as it was typed: the type ticked, the need written, the
  // message beside the refused file, and which files to choose again.
  const kept = home.locator("fieldset.choice-block", { hasText: english ? "Licensing and documents" : "التراخيص والوثائق" });
  await expect(kept.locator("input[type=checkbox]")).toBeChecked();
  await expect(kept.locator("textarea")).toHaveValue(english ? "A municipal licence for my home kitchen" : "أحتاج رخصة بلدية لمطبخي المنزلي");
  await expect(kept.locator(".document-field .field-error")).toContainText(english ? "neither a PDF nor a photo" : "ليس PDF ولا صورة");
  await expect(kept.locator(".choose-again")).toHaveCount(1);
  await expect(home.locator("#files-again")).toBeVisible();
  await shot(home, `d3-refused-file-${lang}`);
  const before = await api(home, "/api/get_my_applications");
  expect(before.lines.length).toBe(0);

  // The licence as a PDF and the ID as a photo.
  const photo = await home.screenshot({ clip: { x: 0, y: 0, width: 360, height: 240 } });
  const again = home.locator("fieldset.choice-block", { hasText: english ? "Licensing and documents" : "التراخيص والوثائق" });
  await again.locator("input[type=checkbox]").check();
  await again.locator("textarea").fill(english ? "A municipal licence for my home kitchen" : "أحتاج رخصة بلدية لمطبخي المنزلي");
  await again.getByLabel(english ? /Municipal licence/ : /رخصة البلدية/).setInputFiles({ name: "licence.pdf", mimeType: "application/pdf", buffer: pdf() });
  await again.getByLabel(english ? /National ID copy/ : /صورة الهوية الوطنية/).setInputFiles({ name: "id.png", mimeType: "image/png", buffer: photo });
  await home.getByRole("button", { name: english ? "Send the application" : "إرسال الطلب" }).click();
  await expect(home).toHaveURL(/\/applications\?submitted=1/);
  const given = home.locator(".documents-given li");
  await expect(given).toHaveCount(2);
  await shot(home, `d4-my-application-documents-${lang}`);
  const mine = await api(home, "/api/get_my_applications");
  const line = mine.lines[0].id;
  const [pdfDoc, photoDoc] = [mine.documents[0].id, mine.documents[1].id];

  // After sending, the family adds one more document to the open line.
  const add = home.getByTestId("add-document");
  await add.locator("summary").click();
  await add.getByLabel(english ? /National ID copy/ : /صورة الهوية الوطنية/).setInputFiles({ name: "id-back.png", mimeType: "image/png", buffer: photo });
  await shot(home, `d4a-add-document-${lang}`);
  await add.getByRole("button", { name: english ? "Add the document" : "أضف المستند" }).click();
  await expect(home).toHaveURL(/document_added=/);
  await expect(home.locator("#document-added")).toBeVisible();
  await expect(home.locator(".documents-given li")).toHaveCount(3);
  await shot(home, `d4b-document-added-${lang}`);

  // Al Bahr's caseworker opens the line and the documents, in the browser.
  const reem = await signedIn(browser, REEM_BAHR_STAFF, { wide: true, js: false, english });
  await reem.goto(`/association/lines/${line}`);
  await expect(reem.locator(".documents-given li")).toHaveCount(3);
  await shot(reem, `d5-line-documents-${lang}`);
  const pdfAnswer = await reem.request.get(`/applications/documents/${pdfDoc}`);
  expect(pdfAnswer.status()).toBe(200);
  expect(pdfAnswer.headers()["content-type"]).toBe("application/pdf");
  expect(pdfAnswer.headers()["content-disposition"]).toMatch(/^inline/);
  expect(pdfAnswer.headers()["x-content-type-options"]).toBe("nosniff");
  expect(pdfAnswer.headers()["content-security-policy"]).toContain("default-src 'none'");
  await reem.goto(`/applications/documents/${photoDoc}`);
  await expect(reem.locator("img")).toBeVisible();
  await reem.screenshot({ path: `screenshots/${info.project.name}/d6-document-inline-${lang}.png` });

  // Another association's caseworker: refused.
  const mona = await signedIn(browser, MONA_NAKHLA_STAFF, { wide: true, js: false, english });
  expect((await mona.request.get(`/applications/documents/${pdfDoc}`)).status()).toBe(403);

  // The family's "My data" says Al Bahr opened a document.
  await home.goto("/my-data");
  await expect(home.locator("main")).toContainText(english ? "Opened a document you attached" : "فتح مستندًا أرفقته مع طلب");
  await shot(home, `d7-my-data-document-opened-${lang}`);
});

const WALK_IN: Record<string, { prefix: string; phone: string }> = {
  "phone-ar-js": { prefix: "138200001", phone: "0557782381" },
  "phone-ar-nojs": { prefix: "138200002", phone: "0557782382" },
  "desktop-en-js": { prefix: "138200003", phone: "0557782383" },
};

test("at the counter, a caseworker attaches the documents a walk-in family brought", async ({ browser }, info) => {
  test.setTimeout(180_000);
  const run = WALK_IN[info.project.name];
  const english = info.project.name.startsWith("desktop-en");
  const lang = english ? "en" : "ar";
  const head = nationalId(run.prefix);
  // The council asked for a municipal licence with licensing in the test above
  // (the same server; the tests of a file run in order).
  const council = await signedIn(browser, COUNCIL, { wide: true, js: false, english });
  const kinds = await api(council, "/api/get_document_kinds");
  expect(JSON.stringify(kinds)).toContain("Municipal licence");
  await council.context().close();

  // The caseworker (a phone in Arabic, or a desktop without JavaScript) registers the family.
  const reem = await signedIn(browser, REEM_BAHR_STAFF, { wide: english, js: info.project.name === "phone-ar-js", english });
  await reem.goto("/association/walk-in");
  await reem.getByLabel(/هوية رب الأسرة أو الإقامة|Head's national ID or Iqama/).fill(head);
  await reem.getByLabel(/الاسم الكامل لرب الأسرة|Head's full name/).fill("سعاد أحمد البحرية");
  await reem.getByLabel(/رقم الجوال|Mobile number/).fill(run.phone);
  await reem.getByLabel(/^(الحي|District)$/).selectOption({ index: 3 });
  await reem.getByRole("button", { name: /^(تسجيل|Register)$/ }).click();
  await expect(reem.getByRole("status")).toContainText(/تم التسجيل|Registered/);
  await reem.getByRole("link", { name: /تقديم طلب دعم للأسرة|Apply for support for this family/ }).click();

  const licensing = reem.locator("fieldset.choice-block", { hasText: english ? "Licensing and documents" : "التراخيص والوثائق" });
  await licensing.locator("input[type=checkbox]").check();
  const need = english ? "A municipal licence for her home kitchen" : "تحتاج الأسرة رخصة بلدية لمطبخها المنزلي";
  await licensing.locator("textarea").fill(need);
  // Sent without the licence: back with the need kept and the message beside it.
  await reem.getByRole("button", { name: english ? "Send the application" : "إرسال الطلب" }).click();
  await expect(reem).toHaveURL(/\/apply\?draft=.*error=document_missing/);
  const kept = reem.locator("fieldset.choice-block", { hasText: english ? "Licensing and documents" : "التراخيص والوثائق" });
  await expect(kept.locator("textarea")).toHaveValue(need);
  await expect(kept.locator(".document-field .field-error")).toContainText(english ? "A required document is missing" : "ينقص مستند مطلوب");
  await shot(reem, `d8-counter-missing-document-${lang}`);

  // With the licence the family brought: the receipt, and the document on the line.
  await kept.getByLabel(english ? /Municipal licence/ : /رخصة البلدية/).setInputFiles({ name: "licence.pdf", mimeType: "application/pdf", buffer: pdf() });
  await shot(reem, `d9-counter-with-document-${lang}`);
  await reem.getByRole("button", { name: english ? "Send the application" : "إرسال الطلب" }).click();
  await expect(reem).toHaveURL(/\/applications\/receipts\/\d+\?made=1/);
  await reem.getByRole("link", { name: english ? /^Back$/ : /^رجوع$/ }).click();
  await reem.locator(".household-file a[href^='/association/lines/']").first().click();
  await expect(reem.locator(".documents-given li")).toHaveCount(1);
  await shot(reem, `d10-counter-line-document-${lang}`);
});
