// The main thread's tasks while a page of the portal loads, from a Chrome
// trace: a repeatable look at what Lighthouse's total blocking time is made
// of. Lighthouse (simulated throttling) records an unthrottled trace and
// counts every task as 4 times longer; a task blocks for what it lasts over
// 50 ms. This script does the same arithmetic over many loads, so a change
// of a few milliseconds shows through the host's noise, and names the long
// tasks (what each ran: timer, script, wasm compilation).
//
//   node bench/lighthouse/tasks.mjs URL [loads, default 10]
//
// COOKIE="name=value; ..." (session.mjs's `cookie` line) measures a
// signed-in page signed in. WATCH_MS (default 1500): how long it keeps
// watching after the page's heading is shown (Lighthouse watches until the
// main thread has been quiet for 5 s, so a page that refreshes itself every
// few seconds wants 7000 or more).
//
// Needs the end-to-end suite's Playwright (end2end/node_modules) and Debian
// chromium. The service worker is blocked: every load is a first visit.
import { mainThread, traceLoads } from './trace.mjs';

const url = process.argv[2];
const loads = Number(process.argv[3] ?? 10);
if (!url) {
  console.error('usage: node bench/lighthouse/tasks.mjs URL [loads]');
  process.exit(2);
}
// Lighthouse's mobile default: the CPU 4 times slower than the host.
const SLOWDOWN = 4;
const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'v8.wasm', 'blink.user_timing', 'loading'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};

const results = [];
await traceLoads(url, loads, CATEGORIES, (events) => results.push(analyse(events)));

for (const [i, r] of results.entries()) {
  const long = r.tasks.filter((t) => t.ms * SLOWDOWN > 50);
  console.log(
    `load ${String(i + 1).padStart(2)}: blocking ${String(Math.round(r.blocking)).padStart(4)} ms (x${SLOWDOWN}), ` +
      `tasks over 12.5 ms: ${long.map((t) => `${t.ms.toFixed(1)} @${Math.round(t.at)} [${t.what}]`).join(', ')}`,
  );
}
const all = results.map((r) => r.blocking);
console.log(`blocking time, ${loads} loads: median ${Math.round(median(all))} ms, min ${Math.round(Math.min(...all))}, max ${Math.round(Math.max(...all))}`);

/// The page's main-thread tasks (the renderer's main thread that ran the
/// most), each with what it spent most time on.
function analyse(events) {
  const main = mainThread(events);
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const start = Math.min(...onMain.map((e) => e.ts));
  // Lighthouse counts blocking time from the first contentful paint on.
  const fcp = events.find((e) => e.name === 'firstContentfulPaint' && e.pid === main.pid)?.ts ?? start;
  const tasks = onMain
    .filter((e) => e.name === 'RunTask' && e.ts >= fcp)
    .map((t) => {
      const inside = onMain.filter((e) => e.ts >= t.ts && e.ts < t.ts + t.dur && e !== t);
      const sum = (name) => inside.filter((e) => e.name === name).reduce((s, e) => s + e.dur / 1000, 0);
      const parts = [
        ['timer', sum('TimerFire')],
        ['microtasks', sum('RunMicrotasks')],
        ['script', sum('EvaluateScript')],
        ['wasm compile', sum('wasm.CompileLazy') + sum('v8.wasm.compileConsume')],
        ['style+layout', sum('UpdateLayoutTree') + sum('Layout')],
        ['parse html', sum('ParseHTML')],
      ].filter(([, ms]) => ms >= 0.5);
      return { ms: t.dur / 1000, at: (t.ts - start) / 1000, what: parts.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ') };
    });
  const blocking = tasks.reduce((sum, t) => sum + Math.max(0, t.ms * SLOWDOWN - 50), 0);
  return { tasks, blocking };
}
