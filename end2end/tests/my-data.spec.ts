import { test, expect, Page, Browser } from "@playwright/test";
import { readFileSync } from "node:fs";
import { shot, withCheckDigit, api, signedIn, locale } from "./helpers";

// "My data" (issue 16), walked as people would: a family's application is opened by Al Nakhla's
// staff; the family opens "My data" from its account page, sees that access (the association,
// never the person), downloads the JSON copy (checked against docs/my-data.schema.json),
// disputes a benefit and asks for deletion; the council's data-protection officer sees both
// requests with their due dates and approves the deletion; the household is anonymised, its
// product leaves the marketplace and its national ID registers afresh. The setup the family
// and staff do on other pages (household, application, shop) goes through the same server
// functions those pages post to. Each project uses its own national ID (one server for all).

const schema = JSON.parse(readFileSync("../docs/my-data.schema.json", "utf8"));


const PROJECTS = ["phone-ar-js", "phone-ar-nojs", "desktop-en-js"];
const STAFF = "1000000032"; // Al Nakhla (training in every Jeddah district on the demo coverage)
const OFFICER = withCheckDigit("100000008");

/** A JSON Schema check for the keywords our schema uses (as server/tests/privacy.rs). */
function check(s: any, value: any, at: string): string | null {
  if (s.$ref) return check(schema.$defs[s.$ref.replace("#/$defs/", "")], value, at);
  if (s.oneOf) {
    const fits = s.oneOf.filter((o: any) => check(o, value, at) === null).length;
    return fits === 1 ? null : `${at}: ${fits} of oneOf fit`;
  }
  const typeOf = (v: any) =>
    v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
  const types = s.type === undefined ? [] : [s.type].flat();
  if (types.length && !types.includes(typeOf(value))) return `${at}: ${typeOf(value)} is not ${types}`;
  if (s.const !== undefined && s.const !== value) return `${at}: not ${s.const}`;
  if (s.enum && !s.enum.includes(value)) return `${at}: ${value} not in enum`;
  if (typeOf(value) === "object") {
    for (const name of s.required ?? []) if (!(name in value)) return `${at}: ${name} missing`;
    for (const [name, field] of Object.entries(value)) {
      const sub = s.properties?.[name];
      if (sub) {
        const problem = check(sub, field, `${at}.${name}`);
        if (problem) return problem;
      } else if (s.additionalProperties === false) return `${at}: ${name} not in the schema`;
    }
  }
  if (typeOf(value) === "array" && s.items) {
    for (const [i, item] of (value as any[]).entries()) {
      const problem = check(s.items, item, `${at}[${i}]`);
      if (problem) return problem;
    }
  }
  return null;
}

/** Posts to a server function as the page's own forms do, answered in JSON. */
async function registerHousehold(page: Page, phone: string) {
  const wizard = await api(page, "/api/get_household_wizard");
  const jeddah = wizard.cities.find((c: any) => c.name_en === "Jeddah");
  const districts = await api(page, "/api/get_household_wizard", { city_id: String(jeddah.id) });
  await api(page, "/api/save_household_contact", { phone });
  await api(page, "/api/save_household_place", {
    district_id: String(districts.districts[2].id),
    address: "شارع الأمل، بيت ٧",
  });
  await api(page, "/api/save_household_circumstances", { income_bracket: "under_3000", dependants: "3" });
  await api(page, "/api/save_household_crafts", { sweets: "on" });
  await api(page, "/api/submit_household", { consent: "2026-11" });
}

test("a family sees who read its record, downloads it, disputes a benefit and asks for deletion; the officer approves", async ({ browser }, info) => {
  const index = PROJECTS.indexOf(info.project.name);
  const english = info.project.name.startsWith("desktop-en");
  const js = info.project.name !== "phone-ar-nojs";
  const t = locale(english).privacy;
  const family = withCheckDigit(`10777${index}001`);
  const phone = `05577700${index}1`;
  const title = `كعك العيد ${index}`;

  // The family registers, opens a shop with a product, and applies for training.
  let page = await signedIn(browser, family, { english, js });
  await registerHousehold(page, phone);
  const form = await api(page, "/api/get_apply_form");
  const training = form.choices.find((c: any) => c.assistance_type.code === "training").assistance_type.id;
  await api(page, "/api/submit_application", {
    submission_key: form.submission_key,
    "lines[0][assistance_type_id]": String(training),
    "lines[0][chosen]": "1",
    "lines[0][description]": "أحتاج دورة في تغليف الحلويات",
    "lines[0][amount]": "",
  });
  const districtId = String((await api(page, "/api/get_my_data")).household.district_id);
  await api(page, "/api/save_shop", { name_ar: `متجر ${title}`, district_id: districtId, pickup: "1", bio: "حلويات بيتية" });
  await api(page, "/api/save_product", {
    title_ar: title, description_ar: "كعك طازج بالتمر", category: "sweets", price: "30", unit_ar: "علبة", availability: "in_stock",
  });
  let mine = await api(page, "/api/get_my_data");
  const line = mine.applications[0].line.id;
  const product = mine.shop.products[0].id;
  await page.goto("/market");
  const demoPhoto = await page.locator(".product-card img").first().getAttribute("src");
  const photo = await (await page.request.get(demoPhoto!)).body();
  const upload = await page.request.post(`/my-shop/products/${product}/photos`, {
    multipart: { photo: { name: "photo.webp", mimeType: "image/webp", buffer: photo } },
    headers: { Accept: "application/json" },
  });
  expect(upload.status(), await upload.text()).toBeLessThan(400);
  await api(page, "/api/submit_product", { product_id: String(product) });

  // Al Nakhla's staff open the line (an audited read), fulfil it, and publish the product.
  const staff = await signedIn(browser, STAFF, { english, js });
  await staff.goto(`/association/lines/${line}`);
  await expect(staff.locator("main h1")).toBeVisible();
  for (const [action, extra] of [["start_review", {}], ["approve", {}], ["fulfil", { value: "500", given_on: "2026-11-20" }]] as const) {
    await api(staff, "/api/act_on_line", { line_id: String(line), action, ...extra });
  }
  await api(staff, "/api/moderate_product", { product_id: String(product), decision: "approve" });
  expect((await page.request.get(`/market/products/${product}`)).status()).toBe(200);
  const nakhla = (await api(page, "/api/get_my_data")).benefits[0];
  const nakhlaName = english ? nakhla.association_name_en : nakhla.association_name_ar;

  // "My data", from the account page: the access by Al Nakhla, never the staff member.
  await page.goto("/account");
  await page.getByTestId("my-data-link").click();
  await expect(page.locator("main h1")).toHaveText(t.title);
  const reads = page.getByTestId("who-read");
  await expect(reads).toContainText(nakhlaName);
  await expect(reads).toContainText(t.read_line);
  await expect(page.locator("main")).not.toContainText(STAFF);
  await expect(page.getByTestId("identity-source")).toContainText(t.source_nafath);
  await shot(page, `90-my-data-${english ? "en" : "ar"}`);

  // The copy: JSON in the documented format, valid against the schema.
  const copy = await page.request.get("/my-data.json");
  expect(copy.status()).toBe(200);
  expect(copy.headers()["content-disposition"]).toContain("attachment");
  const data = await copy.json();
  expect(check(schema, data, "$")).toBeNull();
  expect(data.identity.national_id).toBe(family);
  expect(data.reads[0]).toEqual({ association_name_ar: nakhla.association_name_ar, association_name_en: nakhla.association_name_en, kind: "line_opened", at: data.reads[0].at });

  // Dispute the benefit, then ask for deletion (confirmed).
  const benefit = page.getByTestId("benefit").first();
  await benefit.locator("summary").click();
  await benefit.locator("textarea").fill("استلمت ٣٠٠ ريال لا ٥٠٠");
  await benefit.getByRole("button", { name: t.send_dispute }).click();
  await expect(page.locator('[data-testid="request"][data-kind="correction"]')).toBeVisible();
  const deletion = page.getByTestId("deletion-form");
  await expect(deletion).toContainText(t.deletion_means);
  await deletion.getByRole("checkbox").check();
  await deletion.getByRole("button", { name: t.send_deletion }).click();
  const asked = page.locator('[data-testid="request"][data-kind="deletion"]');
  await expect(asked).toBeVisible();
  await expect(asked.getByTestId("days-left")).toContainText("30");
  await shot(page, `91-my-data-requests-${english ? "en" : "ar"}`);

  // The association that wrote the benefit sees the dispute and its clock.
  await staff.goto("/association/disputes");
  await expect(staff.getByTestId("dispute").filter({ hasText: "استلمت ٣٠٠ ريال لا ٥٠٠" }).first()).toBeVisible();
  await shot(staff, `92-disputes-${english ? "en" : "ar"}`);

  // The officer sees both requests with due dates and approves the deletion.
  const officer = await signedIn(browser, OFFICER, { english, js });
  await officer.goto("/council/privacy-requests");
  const ours = `[data-testid="queued-request"][data-household="${mine.household.id}"]`;
  const correction = officer.locator(`${ours}[data-kind="correction"]`);
  const toDelete = officer.locator(`${ours}[data-kind="deletion"]`);
  await expect(correction).toHaveCount(1);
  await expect(toDelete).toHaveCount(1);
  await expect(correction.getByTestId("due-date")).not.toBeEmpty();
  await expect(toDelete.getByTestId("due-date")).not.toBeEmpty();
  await shot(officer, `93-privacy-queue-${english ? "en" : "ar"}`);
  await toDelete.getByTestId("approve").click();
  await expect(officer.locator(`${ours}[data-kind="deletion"][data-status="done"]`)).toHaveCount(1);

  // Anonymised: the product has left the marketplace, the family's session ended.
  expect((await officer.request.get(`/market/products/${product}`)).status()).toBe(404);
  const gone = await page.request.post("/api/get_my_data", { headers: { Accept: "application/json" } });
  expect(gone.status()).toBe(401);

  // The national ID registers afresh, with nothing of the old record.
  page = await signedIn(browser, family, { english, js });
  await registerHousehold(page, phone);
  mine = await api(page, "/api/get_my_data");
  expect(mine.benefits).toEqual([]);
  expect(mine.reads).toEqual([]);
  expect(mine.shop).toBeNull();
  await page.goto("/my-data");
  await expect(page.getByTestId("who-read")).not.toContainText(nakhlaName);
});
