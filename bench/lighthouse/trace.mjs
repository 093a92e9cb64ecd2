// What tasks.mjs and profile.mjs share: loading a page of the portal as a
// first visit (service worker blocked, a phone's viewport) with a Chrome
// trace recorded, and finding the page's main thread in it.
//
// COOKIE="name=value; ..." (session.mjs's `cookie` line) loads a signed-in
// page signed in. WATCH_MS (default 1500): how long it keeps recording after
// the page's heading is shown. CHROMIUM_ARGS: more flags, for an experiment
// (e.g. --js-flags=...).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../end2end/package.json'));
const { chromium } = require('@playwright/test');

/// Loads `url` `loads` times, each in a fresh context, and gives each
/// load's trace events (with the given categories) to `each`.
export async function traceLoads(url, loads, categories, each) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', ...(process.env.CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [])],
  });
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 412, height: 823 }, isMobile: true });
    if (process.env.COOKIE) {
      await context.addCookies(process.env.COOKIE.split('; ').map((pair) => ({ name: pair.split('=')[0], value: pair.slice(pair.indexOf('=') + 1), url: new URL('/', url).href })));
    }
    const page = await context.newPage();
    await browser.startTracing(page, { categories });
    await page.goto(url);
    await page.locator('main h1:not(.shell-title)').first().waitFor();
    await page.waitForTimeout(Number(process.env.WATCH_MS ?? 1500));
    const trace = JSON.parse((await browser.stopTracing()).toString());
    await context.close();
    each(trace.traceEvents ?? trace, i);
  }
  await browser.close();
}

/// The page's main thread: the renderer's main thread that ran the most.
export function mainThread(events) {
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const count = (m) => events.filter((e) => e.pid === m.pid && e.tid === m.tid).length;
  return mains.reduce((a, b) => (count(b) > count(a) ? b : a));
}
