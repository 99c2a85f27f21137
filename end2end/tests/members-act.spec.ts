import { test, expect, Page, Browser } from "@playwright/test";
import { shot, withCheckDigit, api, signedIn, locale } from "./helpers";

// Members who act (issue 21 §3), walked as a family would: the head lists her daughter with
// her national ID; the daughter signs in with Nafath and confirms she is the member; the head
// taps "allow to act for the household" on the household page; the daughter applies for the
// household and follows the application; the head's "My data" says who did what; the head
// revokes and the daughter's next visit is refused. On a 390 px phone in Arabic (with and
// without JavaScript) and on a desktop in English with JavaScript off. The household's own
// registration goes through the server functions its wizard posts to (walked in
// household.spec.ts). Each project uses its own national IDs (one server for all).

const PROJECTS = ["phone-ar-js", "phone-ar-nojs", "desktop-en-js"];

test("the head allows a member to act, the member applies for the household, the head revokes", async ({ browser }, info) => {
  const index = PROJECTS.indexOf(info.project.name);
  const english = info.project.name.startsWith("desktop-en");
  const js = info.project.name === "phone-ar-js";
  const t = locale(english);
  const head = withCheckDigit(`10888${index}001`);
  const daughter = withCheckDigit(`10888${index}002`);

  // The head's household, registered, with her daughter listed by national ID.
  const noura = await signedIn(browser, head, { english, js, wide: english });
  const wizard = await api(noura, "/api/get_household_wizard");
  const jeddah = wizard.cities.find((c: any) => c.name_en === "Jeddah");
  const districts = await api(noura, "/api/get_household_wizard", { city_id: String(jeddah.id) });
  await api(noura, "/api/save_household_contact", { phone: `05588800${index}1` });
  await api(noura, "/api/save_household_place", { district_id: String(districts.districts[1].id), address: "شارع السلام" });
  await api(noura, "/api/save_household_circumstances", { income_bracket: "under_3000", dependants: "3" });
  await api(noura, "/api/save_household_crafts", { sewing: "on" });
  await api(noura, "/api/submit_household", { consent: "2026-11" });
  await api(noura, "/api/add_household_member", {
    full_name: "سارة نورة الخياطة", relation: "daughter", birth_date: "2002-04-05", national_id: daughter,
  });

  // Until the daughter confirms her ID, the head cannot allow her: the page says why.
  await noura.goto("/household?step=members");
  const row = noura.locator('li[data-member="سارة نورة الخياطة"]');
  await expect(row).toContainText(t.delegates.needs_confirmed_id);
  await expect(row.getByRole("button", { name: t.delegates.allow })).toHaveCount(0);

  // The daughter signs in with Nafath and confirms she is the listed member.
  const sara = await signedIn(browser, daughter, { english, js, wide: english });
  await sara.goto("/household");
  await expect(sara.locator("#member-claims")).toBeVisible();
  await sara.locator("#member-claims").getByRole("button", { name: t.claims.confirm }).click();
  // Not allowed yet: her household's applications are not hers to open.
  await sara.goto("/applications");
  await expect(sara.locator("main")).toContainText(t.errors.forbidden);

  // One tap by the head.
  await noura.goto("/household?step=members");
  await shot(noura, "members-act-1-head-before");
  await row.getByRole("button", { name: t.delegates.allow }).click();
  await expect(row).toContainText(t.delegates.acts);
  await expect(row.getByRole("button", { name: t.delegates.revoke })).toBeVisible();
  await shot(noura, "members-act-2-head-allowed");

  // The daughter acts for the household: the household page says so and leads to applying.
  await sara.goto("/household");
  await expect(sara.locator("#acts-for")).toContainText(head.slice(-4));
  await shot(sara, "members-act-3-member-household");
  await sara.locator("main").getByRole("link", { name: t.applications.apply_link, exact: true }).click();
  await expect(sara).toHaveURL(/\/applications\/new/);
  const form = await api(sara, "/api/get_apply_form");
  const i = form.choices.findIndex((c: any) => c.assistance_type.code === "training");
  const name = english ? form.choices[i].assistance_type.name_en : form.choices[i].assistance_type.name_ar;
  await sara.getByLabel(name, { exact: true }).check();
  await sara.locator(`#line-${i}-description`).fill("أحتاج دورة خياطة لأعمل في مشروع الأسرة");
  await shot(sara, "members-act-4-member-applies");
  await sara.getByRole("button", { name: t.applications.submit }).click();
  await expect(sara).toHaveURL(/\/applications\?submitted=1/);
  await expect(sara.locator("#acts-for")).toContainText(head.slice(-4));
  await expect(sara.locator("li.line")).toHaveCount(1);
  await shot(sara, "members-act-5-member-follows");

  // The head sees the line and, in "My data", who applied.
  await noura.goto("/applications");
  await expect(noura.locator("li.line")).toHaveCount(1);
  await noura.goto("/my-data");
  const acts = noura.locator("#acts");
  await expect(acts).toContainText(t.delegates.history_title);
  await expect(acts).toContainText(daughter.slice(-4));
  await expect(acts).toContainText("سارة نورة الخياطة");
  await expect(acts).toContainText(t.delegates.act.application_submitted);
  await acts.scrollIntoViewIfNeeded();
  await shot(noura, "members-act-6-head-my-data");

  // The head revokes; the daughter's next visit is refused, without signing her out.
  await noura.goto("/household?step=members");
  await row.getByRole("button", { name: t.delegates.revoke }).click();
  await expect(row.getByRole("button", { name: t.delegates.allow })).toBeVisible();
  await shot(noura, "members-act-7-head-revoked");
  await sara.goto("/applications");
  await expect(sara.locator("main")).toContainText(t.errors.forbidden);
  await expect(sara.locator("li.line")).toHaveCount(0);
  await shot(sara, "members-act-8-member-refused");
  await noura.context().close();
  await sara.context().close();
});
