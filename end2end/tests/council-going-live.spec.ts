import { test } from "@playwright/test";
import { ARABIC_PHONE, ENGLISH_DESKTOP, walkGoingLive } from "./going-live";

// Arabic on the phone, English on the desktop (going-live.ts has the walk).
test("going live: the council onboards an association; its admin brings staff and families", async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  await walkGoingLive(page, browser, info.project.name.startsWith("desktop-en") ? ENGLISH_DESKTOP : ARABIC_PHONE);
});
