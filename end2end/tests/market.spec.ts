import { test, expect } from "@playwright/test";
import { shot } from "./helpers";

// A visitor with no account, on every project (Arabic phone with and without JavaScript,
// English desktop), browses the demo listings.
test("a visitor browses, searches and opens a product and a shop", async ({ page }, info) => {
  const arabic = info.project.name.includes("-ar-");
  await page.goto("/market");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(arabic ? "سوق الأسر المنتجة" : "Family marketplace");
  await expect(page.locator(".product-card").first()).toBeVisible();
  // Every photo has its size set, so nothing shifts while it loads.
  for (const img of await page.locator(".product-card img").all()) {
    expect(await img.getAttribute("width")).toBeTruthy();
    expect(await img.getAttribute("height")).toBeTruthy();
  }
  await shot(page, "50-market-home");

  // Diacritics and the article make no difference.
  await page.getByLabel(arabic ? "ابحث في السوق" : "Search the marketplace").fill("المَعْمُول");
  await page.getByRole("button", { name: arabic ? "بحث" : "Search", exact: true }).click();
  await expect(page).toHaveURL(/\/market\/search\?q=/);
  // Both maamouls, and the incense whose description says «معمول بالعود» (made with oud).
  await expect(page.locator(".product-card")).toHaveCount(3);
  await expect(page.locator(".product-grid")).toContainText(arabic ? "معمول بالفستق" : "Pistachio maamoul");
  await shot(page, "51-market-search");

  // Filters are a GET form: the URL holds them and can be shared.
  await page.goto("/market/search?category=perfume_incense&sort=price_low");
  const prices = await page.locator(".product-card .price").allTextContents();
  expect(prices.length).toBeGreaterThan(1);
  const values = prices.map((p) => parseFloat(p));
  expect([...values].sort((a, b) => a - b)).toEqual(values);

  await page.locator(".product-card a").first().click();
  await expect(page.locator(".gallery img").first()).toBeVisible();
  await expect(page.locator("#order-whatsapp")).toHaveAttribute("href", /^\/order\/\d+$/);
  await shot(page, "52-product");
  await page.locator(".shop-card h2 a").click();
  await expect(page.locator(".product-grid .product-card").first()).toBeVisible();
  await shot(page, "53-shop");
});
