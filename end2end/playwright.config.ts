import { execSync } from 'node:child_process';
import { defineConfig, devices } from '@playwright/test';

/**
 * Runs against BASE_URL when given (any running portal), or starts a fresh
 * portal itself (`cargo xtask serve-e2e`) on a free port.
 */
function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execSync(`node -e "${script}"`).toString().trim());
}

// The config is evaluated again in every worker: choose ports once and pass
// them on through the environment, which the workers inherit.
const given = process.env.BASE_URL;
if (given) {
  // A running portal: its simulators' admin endpoint (faults, the SMS
  // outbox) is where `cargo xtask run` puts it unless told otherwise.
  process.env.PANJERE_AGENCIES_ADMIN_URL ??= 'http://127.0.0.1:7100';
} else {
  process.env.PANJERE_E2E_PORT ??= String(freePort());
  process.env.PANJERE_E2E_ADMIN_PORT ??= String(freePort());
  process.env.PANJERE_AGENCIES_ADMIN_URL ??= `http://127.0.0.1:${process.env.PANJERE_E2E_ADMIN_PORT}`;
}
const port = Number(process.env.PANJERE_E2E_PORT ?? 0);
const baseURL = given ?? `http://127.0.0.1:${port}`;

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 1 : 2,
  outputDir: './test-results',
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
    launchOptions: chromium,
  },
  projects: [
    { name: 'phone', use: { ...devices['Pixel 7'], launchOptions: chromium } },
    { name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions: chromium } },
  ],
  webServer: given
    ? undefined
    : {
        command: `cargo xtask serve-e2e --port ${port} --admin-port ${process.env.PANJERE_E2E_ADMIN_PORT}`,
        cwd: '..',
        url: `${baseURL}/api/health`,
        reuseExistingServer: false,
        timeout: 30 * 60_000,
        stdout: 'pipe',
        stderr: 'pipe',
      },
});
