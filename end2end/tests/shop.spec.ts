import { test, expect } from "@playwright/test";
import { hasJavaScript, inEnglish, locale, openNav, shot, signIn, signOut, withCheckDigit } from "./helpers";

// Phone projects only (see playwright.config.ts), in Arabic and English. Each project's seller
// is a person with no household yet, so the council moderates the product. Every product has
// its Arabic name; the English runs' sellers also give an English one, which English pages
// show, and the visitor searches in the page's language.
type Seller = { id: string; title: string; titleEn?: string; query: string; phone: string };
const SELLER: Record<string, Seller> = {
  "phone-ar-js": { id: "1000000057", title: "كليجا بالهيل", query: "الكليجا", phone: "0551112233" },
  "phone-ar-nojs": { id: "1000000024", title: "غريبة بالسمن البلدي", query: "غُرَيْبة", phone: "0551112244" },
  "phone-en-js": { id: withCheckDigit("109774001"), title: "كليجا بالمستكة", titleEn: "Mastic kleicha", query: "kleicha", phone: "0551112255" },
  "phone-en-nojs": { id: withCheckDigit("109774002"), title: "بسبوسة بالقشطة", titleEn: "Basbousa with cream", query: "basbousa", phone: "0551112266" },
};

test("a family opens a shop and lists a product with a photo; the council publishes it; a visitor finds it and orders on WhatsApp", async ({ page }, info) => {
  const seller = SELLER[info.project.name];
  const english = inEnglish();
  const t = locale(english);
  const shop = t.my_shop;
  // What the pages show in the run's language, and the language the switch goes to and back.
  const shown = english ? seller.titleEn! : seller.title;
  const shopName = english ? `${seller.titleEn} shop` : `متجر ${seller.title}`;
  const [lang, other] = english ? ["en", "ar"] : ["ar", "en"];
  // A real photo to upload: one of the demo products' (WebP is accepted like JPEG and PNG).
  await page.goto("/market");
  const demoPhoto = await page.locator(".product-card img").first().getAttribute("src");
  const photo = await (await page.request.get(demoPhoto!)).body();

  await signIn(page, seller.id);
  await openNav(page, shop.nav_link);
  await expect(page.getByRole("heading", { name: shop.open_shop })).toBeVisible();
  await page.getByLabel(shop.name_ar).fill(`متجر ${seller.title}`);
  if (english) await page.getByLabel(shop.name_en).fill(shopName);
  await page.getByLabel(shop.district, { exact: true }).selectOption({ index: 5 });
  // Nothing is published until the family says so: WhatsApp orders are opted into.
  await page.getByLabel(shop.whatsapp_opt_in).check();
  await page.getByLabel(shop.whatsapp, { exact: true }).fill(seller.phone);
  await shot(page, "60-shop-open");
  await page.getByRole("button", { name: shop.save_shop }).click();
  // The shop's name waits for review like a product; the family is told so, in either language.
  await expect(page.getByRole("status").filter({ hasText: shop.text_pending })).toBeVisible();
  await shot(page, "60-shop-pending");
  await page.locator(".language-switch").click();
  await expect(page.getByRole("status").filter({ hasText: locale(!english).my_shop.text_pending })).toBeVisible();
  await shot(page, `60-shop-pending-${other}`);
  await page.locator(".language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", lang);

  await page.getByRole("link", { name: shop.new_product }).click();
  const fillProduct = async (price: string) => {
    await page.getByLabel(shop.title_ar).fill(seller.title);
    if (english) await page.getByLabel(shop.title_en).fill(seller.titleEn!);
    await page.getByLabel(shop.description_ar).fill("مخبوزات بيتية طازجة تُجهّز يوم الطلب");
    await page.getByLabel(t.market.category).selectOption("baked_goods");
    await page.getByLabel(shop.price).fill(price);
    await page.getByRole("button", { name: shop.save_product }).click();
  };
  // A price of zero is refused with the reason.
  await fillProduct("0");
  await expect(page.getByRole("alert")).toContainText(t.errors.price_invalid);
  await fillProduct(english ? "35" : "٣٥");
  await expect(page.getByText(shop.status_draft, { exact: true })).toBeVisible();

  await page.getByLabel(shop.add_photo).setInputFiles({ name: "photo.webp", mimeType: "image/webp", buffer: photo });
  await page.getByRole("button", { name: shop.upload }).click();
  await expect(page.locator(".photo-list li")).toHaveCount(1);
  await expect(page.locator(".photo-list .badge")).toHaveText(shop.cover);
  if (hasJavaScript()) {
    // A 12-megapixel phone photo (4000×3000) whose EXIF says "turn 90° clockwise": the
    // phone shrinks it to 1600 px and turns it upright before sending it.
    const big = Buffer.from(await page.evaluate(async () => {
      const canvas = document.createElement("canvas");
      canvas.width = 4000;
      canvas.height = 3000;
      const g = canvas.getContext("2d")!;
      const gradient = g.createLinearGradient(0, 0, 4000, 3000);
      gradient.addColorStop(0, "#0f5c4d");
      gradient.addColorStop(1, "#e0b050");
      g.fillStyle = gradient;
      g.fillRect(0, 0, 4000, 3000);
      for (let i = 0; i < 400; i++) {
        g.fillStyle = `hsl(${(i * 37) % 360} 60% 50%)`;
        g.fillRect((i * 97) % 4000, (i * 61) % 3000, 120, 80);
      }
      const blob: Blob = await new Promise((resolve) => canvas.toBlob((b) => resolve(b!), "image/jpeg", 0.98));
      const jpeg = new Uint8Array(await blob.arrayBuffer());
      // An EXIF segment (APP1) with orientation 6, right after the start-of-image marker.
      const exif = [0xff, 0xe1, 0x00, 0x22, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00, 0x4d, 0x4d, 0x00, 0x2a,
        0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
      return [...jpeg.slice(0, 2), ...exif, ...jpeg.slice(2)];
    }));
    // Three photos chosen at once: the phone shrinks each one and lists it with a preview
    // and its size, in the order chosen.
    const field = page.getByLabel(shop.add_photo);
    await field.setInputFiles([
      { name: "phone.jpg", mimeType: "image/jpeg", buffer: big },
      { name: "second.webp", mimeType: "image/webp", buffer: photo },
      { name: "third.webp", mimeType: "image/webp", buffer: photo },
    ]);
    const chosen = page.locator(".chosen-photos li");
    await expect(chosen).toHaveCount(3);
    await expect(chosen.locator("img.photo-preview")).toHaveCount(3);
    await expect(chosen.first().locator("img.photo-preview")).toBeVisible();
    // The preview shows the photo (the page's own blob: address is allowed to load).
    await expect.poll(() => chosen.first().locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    const shrunk = Number(await chosen.first().getAttribute("data-bytes"));
    expect(shrunk).toBeGreaterThan(10_000);
    expect(shrunk).toBeLessThan(600_000);
    // The field itself is empty: nothing would be sent twice.
    expect(await field.evaluate((input: HTMLInputElement) => input.files!.length)).toBe(0);
    // The last one is not sent after all, and the phone photo goes after the second.
    await chosen.nth(2).getByRole("button", { name: shop.remove_chosen }).click();
    await expect(chosen).toHaveCount(2);
    await chosen.first().getByRole("button", { name: shop.move_down }).click();
    await expect(chosen.first()).not.toHaveAttribute("data-bytes", String(shrunk));
    await shot(page, "60-photos-chosen");
    // Sent one by one, in the list's order, with a progress bar; each request body is what
    // the phone made (the 4 MB original never leaves it).
    const bodies: number[] = [];
    await page.route("**/my-shop/products/*/photos", async (route) => {
      bodies.push(route.request().postDataBuffer()?.length ?? -1);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await page.getByRole("button", { name: shop.upload }).click();
    await expect(page.locator("progress.upload-progress")).toBeVisible();
    await expect(page.locator(".photo-list li")).toHaveCount(3);
    await page.unroute("**/my-shop/products/*/photos");
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(body).toBeLessThan(600_000);
    expect(bodies[1]).toBeGreaterThan(shrunk);
    // Stored upright: portrait, as the EXIF said, at most 1600 px, and last, as it was sent.
    const stored = page.locator(".photo-list li img").nth(2);
    const [width, height] = [Number(await stored.getAttribute("width")), Number(await stored.getAttribute("height"))];
    expect(height).toBeGreaterThan(width);
    expect(height).toBeLessThanOrEqual(1600);
    console.log(`photo: ${big.length} bytes chosen, ${bodies[1]} bytes sent, stored ${width}×${height}`);
  }
  await shot(page, "61-product-editor");
  await page.getByRole("button", { name: shop.submit_for_review }).click();
  await expect(page.getByText(shop.status_pending, { exact: true })).toBeVisible();
  await signOut(page);

  // The council reviews the product as the public will see it, and publishes it. Visitors
  // read both languages' texts, so the reviewer sees both (the Arabic name on an English page).
  await signIn(page, "1000000016");
  await page.goto("/association/moderation");
  const item = page.locator("article.moderation-item[data-product-id]", { hasText: seller.title });
  await expect(item).toBeVisible();
  await expect(item).toContainText(shown);
  const shopText = page.locator("article.moderation-item[data-shop-id]", { hasText: `متجر ${seller.title}` });
  await expect(shopText).toBeVisible();
  await shot(page, "62-moderation");
  await page.locator(".language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", other);
  await shot(page, `62-moderation-${other}`);
  await page.locator(".language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  await item.getByRole("button", { name: t.moderation.approve }).click();
  await expect(page.locator("article.moderation-item[data-product-id]", { hasText: seller.title })).toHaveCount(0);
  // The shop's name too: until then the public sees "a productive family".
  await shopText.getByRole("button", { name: t.moderation.approve }).click();
  await expect(shopText).toHaveCount(0);
  await signOut(page);

  // A visitor with no account finds it by a search in the page's language (in Arabic, with
  // the article or diacritics).
  await page.goto("/market");
  await page.getByLabel(t.market.search_label).fill(seller.query);
  await page.getByRole("button", { name: t.market.search, exact: true }).click();
  const card = page.locator(".product-card", { hasText: shown });
  await expect(card).toBeVisible();
  await shot(page, "63-search-results");
  await card.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(shown);
  await expect(page.getByRole("link", { name: shopName }).first()).toBeVisible();
  const whatsapp = page.locator("#order-whatsapp");
  // The button goes through the counted redirect (no cookie) to wa.me.
  const order = (await whatsapp.getAttribute("href"))!;
  expect(order).toMatch(/^\/order\/\d+$/);
  const answer = await page.request.get(order, { maxRedirects: 0 });
  expect(answer.status()).toBe(303);
  const href = answer.headers()["location"];
  expect(href).toContain(`https://wa.me/966${seller.phone.slice(1)}?text=`);
  expect(decodeURIComponent(href.split("text=")[1])).toContain(`«${seller.title}»`);
  await shot(page, "64-product-page");
});
