import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium, never a downloaded browser; flags that work on this machine.
const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
// E2E_PORT lets two checkouts run their browser tests at once on one machine.
const port = process.env.E2E_PORT ?? "3100";
// The flows with an island (issue 20): also run on an English phone, with and without JavaScript.
const islandFlows = /(sign-in|rejection|household|shop|basket|training)\.spec\.ts$/;
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: chromium,
    trace: "retain-on-failure",
  },
  projects: [
    { name: "phone-ar-js", testIgnore: /desktop-ar/, use: { ...devices["Desktop Chrome"], ...phone, locale: "ar-SA", javaScriptEnabled: true } },
    { name: "phone-ar-nojs", testIgnore: /council|review/, use: { ...devices["Desktop Chrome"], ...phone, locale: "ar-SA", javaScriptEnabled: false } },
    { name: "phone-en-js", testMatch: islandFlows, use: { ...devices["Desktop Chrome"], ...phone, locale: "en-US", javaScriptEnabled: true } },
    { name: "phone-en-nojs", testMatch: islandFlows, use: { ...devices["Desktop Chrome"], ...phone, locale: "en-US", javaScriptEnabled: false } },
    { name: "desktop-en-js", testIgnore: /rejection|household|shop|review/, use: { ...devices["Desktop Chrome"], locale: "en-US", javaScriptEnabled: true } },
  ],
  webServer: {
    command: `E2E_ADDR=127.0.0.1:${port} bash ../scripts/e2e-server.sh`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
