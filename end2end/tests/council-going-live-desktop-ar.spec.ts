import { test } from "@playwright/test";
import { ARABIC_DESKTOP, walkGoingLive } from "./going-live";

// The same walk in Arabic on the desktop (run by the desktop project only).
test.use({ locale: "ar-SA" });

test("going live in Arabic on the desktop", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await walkGoingLive(page, browser, ARABIC_DESKTOP);
});
