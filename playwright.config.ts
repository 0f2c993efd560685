/**
 * End-to-end tests: real Chromium against the BUILT app (`npm run build` first; `npm test` does),
 * served by server.js (`npm run serve`, the production server entry) on E2E_PORT with a throwaway DATA_DIR, so every run starts from an empty
 * embedded database (the first visit creates the admin, as on a fresh install).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

// Created once by the main process; workers inherit it through the environment, so specs can read
// process.env.E2E_DATA_DIR (e.g. to look at stored uploads).
if (!process.env.E2E_DATA_DIR) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ghostly-e2e-"));
  process.env.E2E_DATA_DIR = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}

export default defineConfig({
  testDir: "tests/e2e",
  // Playwright empties this directory at start: give concurrent runs their own (E2E_OUTPUT_DIR).
  outputDir: process.env.E2E_OUTPUT_DIR ?? "test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One shared server and database: specs run one after another (2-core CI machine).
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          // Never downloaded by Playwright: Debian's chromium, or any Chrome via CHROMIUM_PATH.
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          // --no-sandbox: CI runs as root; the rest stop background calls this network refuses.
          args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
      },
    },
  ],
  webServer: {
    command: "npm run serve",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: process.env.E2E_DATA_DIR,
      SESSION_SECRET: "e2e-session-secret-0123456789abcdef0123456789",
      NODE_ENV: "production",
      DATABASE_URL: "",
    },
  },
});
