// The main thread's work while a page stays open after it is shown: what a
// page that refreshes itself (/status every 3 s, a request or a payment
// while it moves) costs the phone it is open on. Starts watching once
// SELECTOR (default `main h1:not(.shell-title)`) is shown and a second has
// passed, then records a trace for WATCH_MS (default 9200: three refreshes
// of /status) and sums the tasks of over 1 ms: their count, total and
// longest, each load and the median.
//
//   node bench/lighthouse/open.mjs URL [loads, default 4]
//
// DETAIL=1 prints each task: timers, script (microtasks), HTML parsing,
// style, layout and paint. To compare two builds side by side, run a portal
// on each: `PANJERE_DIST=<other dist> cargo xtask serve-e2e --port N`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../end2end/package.json'));
const { chromium } = require('@playwright/test');

const [url, loads = '4'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node bench/lighthouse/open.mjs URL [loads]');
  process.exit(2);
}
const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (let i = 0; i < Number(loads); i++) {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 412, height: 823 }, isMobile: true });
  if (process.env.COOKIE) {
    await context.addCookies(process.env.COOKIE.split('; ').map((pair) => ({ name: pair.split('=')[0], value: pair.slice(pair.indexOf('=') + 1), url: new URL('/', url).href })));
  }
  const page = await context.newPage();
  await page.goto(url);
  await page.locator(process.env.SELECTOR ?? 'main h1:not(.shell-title)').first().waitFor();
  await page.waitForTimeout(1000);
  await browser.startTracing(page, { categories: CATEGORIES });
  await page.waitForTimeout(Number(process.env.WATCH_MS ?? 9200));
  const trace = JSON.parse((await browser.stopTracing()).toString());
  await context.close();
  const events = trace.traceEvents ?? trace;
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const count = (m) => events.filter((e) => e.pid === m.pid && e.tid === m.tid).length;
  const main = mains.reduce((a, b) => (count(b) > count(a) ? b : a));
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur > 1000);
  if (process.env.DETAIL) {
    for (const t of tasks) {
      const inside = onMain.filter((e) => e.ts >= t.ts && e.ts < t.ts + t.dur && e !== t);
      const sum = (...names) => inside.filter((e) => names.includes(e.name)).reduce((s, e) => s + e.dur / 1000, 0).toFixed(1);
      console.log(
        `  ${(t.dur / 1000).toFixed(1)} ms: timer ${sum('TimerFire')}, script ${sum('RunMicrotasks')}, parse html ${sum('ParseHTML')}, ` +
          `style ${sum('UpdateLayoutTree')}, layout ${sum('Layout')}, paint ${sum('PrePaint', 'Paint')}`,
      );
    }
  }
  const ms = tasks.map((t) => t.dur / 1000);
  const r = { n: ms.length, total: ms.reduce((a, b) => a + b, 0), longest: Math.max(0, ...ms) };
  results.push(r);
  console.log(`load ${i + 1}: ${r.n} tasks over 1 ms, total ${r.total.toFixed(1)} ms, longest ${r.longest.toFixed(1)} ms`);
}
await browser.close();
console.log(`median of ${loads}: total ${median(results.map((r) => r.total)).toFixed(1)} ms, longest ${median(results.map((r) => r.longest)).toFixed(1)} ms`);
