import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;

// Playwright cannot download its browsers here: it drives Debian's Chromium.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
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
    },
  },
  projects: [
    {
      name: "phone",
      use: { ...devices["Pixel 7"], browserName: "chromium", viewport: { width: 390, height: 844 } },
    },
  ],
  webServer: {
    // A fresh embedded database every run, seeded with a tenth of the demo street. The specs play
    // residents on phones of their own by sending X-Forwarded-For, as a reverse proxy would write it,
    // so the server trusts one proxy (e2e/client-address.spec.ts runs a server of its own without).
    command: `rm -rf .e2e-data .e2e-data.lock && npx next start -p ${PORT}`,
    url: `${baseURL}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      DOORSTEP_DATA_DIR: ".e2e-data",
      DOORSTEP_DEMO_SCALE: "0.1",
      DATABASE_URL: "",
      DOORSTEP_TRUST_PROXY: "1",
    },
  },
});
