import { test, expect } from "@playwright/test";
import { hasJavaScript, shot } from "./helpers";

// A visitor with no account. With JavaScript: the basket's islands wake at the first
// "add" (no WebAssembly before), survive a reload, and "send" goes through the server's
// counted redirect to one WhatsApp message. Without: no basket, the product's own
// "Order on WhatsApp" remains.
test("a visitor fills a WhatsApp basket from one shop and sends it as one message", async ({ page }, info) => {
  const arabic = info.project.name.includes("-ar-");
  const js = hasJavaScript();
  const scripts: string[] = [];
  page.on("request", (request) => {
    if (/\.(wasm|js)(\?|$)/.test(request.url())) scripts.push(request.url());
  });

  // A demo shop (every demo shop takes WhatsApp orders), reached from one of its products.
  await page.goto("/market/shops/1");
  await page.locator(".product-card a").first().click();
  await expect(page.locator("#order-whatsapp")).toBeVisible();
  await page.locator(".shop-card h2 a").click();
  await expect(page.locator(".product-grid .product-card").first()).toBeVisible();
  const adds = page.locator(".product-card .basket-add");
  if (!js) {
    await expect(adds.first()).toBeHidden();
    await expect(page.locator(".basket")).toBeHidden();
    await shot(page, "56-shop-no-basket");
    return;
  }
  // A first visit loads the small loader and no WebAssembly.
  await expect(adds.first()).toBeVisible();
  expect(scripts.filter((url) => url.endsWith(".wasm"))).toEqual([]);
  await shot(page, "55-shop-basket-ready");

  const price = async (i: number) =>
    parseFloat((await page.locator(".product-card").nth(i).locator(".price").first().textContent())!.replace(/[^\d.]/g, ""));
  const [first, second] = [await price(0), await price(1)];
  await adds.nth(0).click();
  const basket = page.locator("aside.basket");
  await expect(basket).toBeVisible();
  expect(scripts.some((url) => url.endsWith(".wasm"))).toBe(true);
  await adds.nth(0).click();
  await adds.nth(1).click();
  const lines = basket.locator(".basket-lines li");
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0).locator(".basket-quantity bdi")).toHaveText("2");
  const total = () => basket.locator(".basket-total .price");
  await expect(total()).toContainText(String(Math.round((2 * first + second) * 100) / 100));
  await shot(page, "57-basket");

  // The basket survives a reload (local storage); the islands wake at once for it.
  await page.reload();
  await expect(basket.locator(".basket-lines li")).toHaveCount(2);
  // One less of the second: it leaves the basket.
  await lines.nth(1).getByRole("button", { name: arabic ? "إنقاص الكمية" : "One less" }).click();
  await expect(lines).toHaveCount(1);
  await expect(total()).toContainText(String(Math.round(2 * first * 100) / 100));

  // "Send" is the server's counted redirect; the message lists the product and the total.
  const send = basket.getByTestId("basket-send");
  const href = (await send.getAttribute("href"))!;
  expect(href).toMatch(new RegExp(`^/basket/order\\?lang=${arabic ? "ar" : "en"}&shop=\\d+&items=\\d+:2$`));
  const answer = await page.request.get(href, { maxRedirects: 0 });
  expect(answer.status()).toBe(303);
  const location = answer.headers()["location"];
  expect(location).toMatch(/^https:\/\/wa\.me\/9665\d{8}\?text=/);
  const message = decodeURIComponent(location.split("text=")[1]);
  expect(message).toContain("- 2 × ");
  expect(message).toContain(arabic ? "المجموع" : "Total");
  // A list the page could not have made is refused with the not-found page.
  expect((await page.request.get("/basket/order?shop=1&items=999999:1", { maxRedirects: 0 })).status()).toBe(404);
  await shot(page, "58-basket-reloaded");
});
