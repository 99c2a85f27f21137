import { test, expect } from "@playwright/test";
import { shot, signIn } from "./helpers";

// The council's partner tokens (issue 18 §4): a token created with a plain form (with and
// without JavaScript), its secret shown once, the API answering it, revocation. Every
// project: Arabic at 390 px with and without JavaScript, English on desktop (and at 390 px).
test("the council gives a partner a token, shown once, and revokes it", async ({ page }, info) => {
  const english = info.project.name.startsWith("desktop-en");
  const tag = `${english ? "en" : "ar"}${info.project.name.endsWith("nojs") ? "-nojs" : ""}`;
  const partner = `Ministry ${info.project.name}`;

  await signIn(page, "1000000016");
  await page.goto("/council/partners");
  await expect(page.locator("#create-token")).toBeVisible();
  await page.locator("#partner-name-ar").fill(`وزارة الموارد البشرية ${info.project.name}`);
  await page.locator("#partner-name-en").fill(partner);
  await page.locator('input[name=scope][value=households]').check();
  await page.locator("#partner-association").selectOption({ index: 1 });
  await page.locator("#create-token button[type=submit]").click();

  const secret = page.getByTestId("partner-secret");
  await expect(secret).toBeVisible();
  const value = await secret.inputValue();
  expect(value).toMatch(/^tkm_[0-9a-f]{64}$/);
  await shot(page, `110-partners-new-secret-${tag}`);

  // The API answers the token; a session alone opens nothing.
  const withToken = await page.request.get("/api/v1/indicators", { headers: { Authorization: `Bearer ${value}` } });
  expect(withToken.status()).toBe(200);
  expect((await withToken.json()).indicators.length).toBeGreaterThan(10);
  expect((await page.request.get("/api/v1/indicators")).status()).toBe(401);

  // Shown once: not on the next load.
  await page.goto("/council/partners");
  await expect(page.getByTestId("partner-secret")).toHaveCount(0);
  const row = page.getByTestId("partner-token").filter({ hasText: english ? partner : "وزارة الموارد البشرية" }).first();
  await expect(row).toBeVisible();
  await shot(page, `111-partners-list-${tag}`);

  // Revoked: the row says so and the token stops working.
  await row.getByRole("button", { name: /إلغاء|Revoke/ }).click();
  await expect(page).toHaveURL(/\/council\/partners/);
  const revoked = await page.request.get("/api/v1/indicators", { headers: { Authorization: `Bearer ${value}` } });
  expect(revoked.status()).toBe(401);
  await page.goto("/council/partners");
  await expect(page.getByTestId("partner-token").first()).toContainText(/ملغى|Revoked/);
});
