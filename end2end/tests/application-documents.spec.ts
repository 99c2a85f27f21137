import { test, expect, Page, Browser } from "@playwright/test";
import { shot, signIn, withCheckDigit as nationalId } from "./helpers";

// Documents with an application (issue 21 §4). The council asks for a municipal
// licence (required) and an ID copy (optional) with "licensing" (led by Al Bahr
// in the demo), on its catalogue page at 1280 px without JavaScript. A family,
// on a 390 px phone in Arabic, ticks licensing on the apply form: a file that is
// neither a PDF nor a photo is refused with a message and nothing is saved; then
// the licence as a PDF and the ID as a photo are sent with the application. Al
// Bahr's caseworker (desktop, no JavaScript) opens the line and the documents in
// the browser; another association's caseworker is refused; the family's
// "My data" says Al Bahr opened a document.
const RUN: Record<string, { prefix: string; phone: string }> = {
  "phone-ar-js": { prefix: "138100001", phone: "0557781381" },
  "phone-ar-nojs": { prefix: "138100002", phone: "0557781382" },
  "desktop-en-js": { prefix: "138100003", phone: "0557781383" },
};
const COUNCIL = "1000000016";
const REEM_BAHR_STAFF = "1000000040";
const MONA_NAKHLA_STAFF = "1000000032";

async function api(page: Page, path: string, form: Record<string, string> = {}) {
  const r = await page.request.post(path, { form, headers: { Accept: "application/json" } });
  const body = await r.text();
  expect(r.status(), `${path}: ${body}`).toBe(200);
  return body ? JSON.parse(body) : null;
}

async function signedIn(browser: Browser, id: string, opts: { wide: boolean; js: boolean; english?: boolean }) {
  const context = await browser.newContext({
    viewport: opts.wide ? { width: 1280, height: 900 } : { width: 390, height: 844 },
    locale: opts.english ? "en-US" : "ar-SA",
    javaScriptEnabled: opts.js,
  });
  const page = await context.newPage();
  await signIn(page, id);
  if (opts.english && (await page.locator("html").getAttribute("lang")) !== "en") {
    await page.locator(".language-switch").click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  }
  return page;
}

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
  await expect(home).toHaveURL(/error=document_wrong_type/);
  await expect(home.locator("#apply-error")).toContainText(english ? "neither a PDF nor a photo" : "ليس PDF ولا صورة");
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

  // Al Bahr's caseworker opens the line and the documents, in the browser.
  const reem = await signedIn(browser, REEM_BAHR_STAFF, { wide: true, js: false, english });
  await reem.goto(`/association/lines/${line}`);
  await expect(reem.locator(".documents-given li")).toHaveCount(2);
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
