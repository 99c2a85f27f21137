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
  await confirmInWaitingPage(page, "أكّدت في نفاذ");
  await expect(page).toHaveURL(/\/account$/, { timeout: 20_000 });
}

/**
 * The waiting page polls by refreshing itself every few seconds (with or
 * without JavaScript); a person may also press "I confirmed". Press it if the
 * page has not moved on yet; a refresh that wins the race is just as good.
 */
export async function confirmInWaitingPage(page: Page, buttonName: string) {
  const confirm = page.getByRole("button", { name: buttonName });
  if (await confirm.isVisible().catch(() => false)) {
    await confirm.click({ timeout: 3_000 }).catch(() => {});
  }
}
