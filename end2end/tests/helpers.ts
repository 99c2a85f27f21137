import { expect, Page, test } from "@playwright/test";

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${test.info().project.name}/${name}.png`, fullPage: true });
}

/** Signs in through the Nafath simulator (Arabic UI), as a person would. */
export async function signIn(page: Page, nationalId: string) {
  await page.goto("/sign-in");
  await page.getByLabel("رقم الهوية الوطنية أو الإقامة").fill(nationalId);
  await page.getByRole("button", { name: "متابعة عبر نفاذ" }).click();
  await expect(page).toHaveURL(/\/sign-in\/wait/);
  const number = (await page.getByTestId("nafath-number").textContent())!.trim();
  const phone = await page.context().newPage();
  await phone.goto("/nafath-simulator");
  await phone.locator(`li.sim-request[data-national-id="${nationalId}"]`).getByRole("button", { name: number, exact: true }).click();
  await phone.close();
  // The e2e server slows the waiting page's self-refresh (scripts/e2e-server.sh), so the
  // person presses "I confirmed", which does the same GET.
  await page.getByRole("button", { name: "أكّدت في نفاذ" }).click();
  await expect(page.getByTestId("account-national-id")).toHaveText(nationalId, { timeout: 20_000 });
}

