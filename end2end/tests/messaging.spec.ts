import { test, expect } from "@playwright/test";
import { shot, signIn } from "./helpers";

// A family chooses how messages reach its phone on the account page (a plain
// form, with or without JavaScript); the messaging simulator's page is there
// for the local demo.
test("a family chooses WhatsApp in English for its messages", async ({ page }) => {
  await signIn(page, "1000000065");
  await page.goto("/account");
  const section = page.locator("#messages");
  await expect(section).toBeVisible();
  await section.getByLabel(/واتساب|WhatsApp/).check();
  await section.getByLabel(/^ ?(الإنجليزية|English)$/).check();
  await section.getByLabel(/رقم الجوال للرسائل|Mobile number for messages/).fill("0501234567");
  await section.getByRole("button", { name: /حفظ إعدادات الرسائل|Save message settings/ }).click();
  await expect(page.locator("#messages [role=status]")).toContainText(/حُفظت إعدادات الرسائل|Your message settings are saved/);
  await expect(page.locator('#messages input[value="whatsapp"]')).toBeChecked();
  // Shown as families write it.
  await expect(page.locator("#messages-phone")).toHaveValue("0501234567");
  await shot(page, "messaging-01-account");

  await page.goto("/messaging-simulator");
  await expect(page.locator("h1")).toContainText(/محاكي الرسائل|SMS and WhatsApp simulator/);
  await shot(page, "messaging-02-simulator");
});
