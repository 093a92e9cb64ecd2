// What the long tasks of a page's load run, by function: a sampled CPU
// profile of the main thread while the page loads (first visit, service
// worker blocked), cut at the tasks tasks.mjs counts (over 12.5 ms, so over
// 50 ms on Lighthouse's four-times-slower phone). For each, the app's own
// functions that were on the stack longest (inclusive), and where the time
// itself went (self).
//
//   PANJERE_WASM_NAMES=1 cargo xtask build    # keeps the functions' names
//   node bench/lighthouse/profile.mjs URL [loads, default 3] [top, default 12]
//
// Without the names every wasm function is `wasm-function[N]`. COOKIE as in
// tasks.mjs. Needs the end-to-end suite's Playwright and Debian chromium.
import { mainThread, traceLoads } from './trace.mjs';

const url = process.argv[2];
const loads = Number(process.argv[3] ?? 3);
const top = Number(process.argv[4] ?? 12);
if (!url) {
  console.error('usage: node bench/lighthouse/profile.mjs URL [loads] [top]');
  process.exit(2);
}
const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'loading'];

await traceLoads(url, loads, CATEGORIES, (events, i) => {
  console.log(`\n=== load ${i + 1}`);
  report(events);
});

/// A Rust symbol's path without its hash (`panjere_app::pages::dashboard::…`),
/// or the name as it is.
function demangle(name) {
  const m = /_ZN(.*)E/.exec(name);
  if (!m) return name;
  const parts = [];
  let s = m[1];
  while (s.length) {
    const len = /^(\d+)/.exec(s);
    if (!len) break;
    const n = Number(len[1]);
    parts.push(s.slice(len[1].length, len[1].length + n));
    s = s.slice(len[1].length + n);
  }
  if (parts.length && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
  return parts.join('::').replaceAll('$LT$', '<').replaceAll('$GT$', '>').replaceAll('$u20$', ' ').replaceAll('..', '::').replaceAll('$RF$', '&').replaceAll('$C$', ',');
}

function report(events) {
  const main = mainThread(events);
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const fcp = events.find((e) => e.name === 'firstContentfulPaint' && e.pid === main.pid)?.ts ?? 0;
  const start = Math.min(...onMain.filter((e) => e.ph === 'X').map((e) => e.ts));

  // The sampled profile: nodes (a tree of call frames) and samples in time.
  const nodes = new Map();
  const samples = [];
  const profiles = events.filter((e) => e.pid === main.pid && (e.name === 'Profile' || e.name === 'ProfileChunk'));
  const ids = new Set(profiles.filter((e) => e.name === 'Profile' && e.tid === main.tid).map((e) => e.id));
  let t = 0;
  for (const e of profiles) {
    if (!ids.has(e.id)) continue;
    if (e.name === 'Profile') {
      t = e.args.data.startTime;
      continue;
    }
    const data = e.args.data;
    for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, { name: demangle(n.callFrame.functionName || n.callFrame.url || '(anonymous)'), parent: n.parent });
    const deltas = data.timeDeltas ?? [];
    (data.cpuProfile?.samples ?? []).forEach((id, k) => {
      t += deltas[k] ?? 0;
      samples.push({ ts: t, id });
    });
  }
  const stack = (id) => {
    const out = [];
    for (let n = nodes.get(id); n; n = nodes.get(n.parent)) out.push(n.name);
    return out;
  };

  const tasks = onMain.filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.ts >= fcp && e.dur / 1000 > 12.5);
  for (const task of tasks) {
    const inside = samples.filter((s) => s.ts >= task.ts && s.ts < task.ts + task.dur);
    const self = new Map();
    const inclusive = new Map();
    for (const s of inside) {
      const frames = stack(s.id);
      self.set(frames[0], (self.get(frames[0]) ?? 0) + 1);
      for (const f of new Set(frames.filter((f) => f.startsWith('panjere_app') || f.startsWith('panjere_api')))) inclusive.set(f, (inclusive.get(f) ?? 0) + 1);
    }
    const ms = inside.length ? task.dur / 1000 / inside.length : 0;
    const list = (m) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([f, n]) => `    ${(n * ms).toFixed(1).padStart(6)} ms  ${f}`)
        .join('\n');
    console.log(`task @${Math.round((task.ts - start) / 1000)} ms: ${(task.dur / 1000).toFixed(1)} ms, ${inside.length} samples`);
    console.log(`  the app's functions on the stack (inclusive):\n${list(inclusive)}`);
    console.log(`  self:\n${list(self)}`);
  }
}
