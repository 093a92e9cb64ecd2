// Runs the search benchmark's wasm build in Debian's Chromium (Playwright
// from end2end/) on a page served cross-origin isolated, so that
// performance.now() has its fine resolution (5 µs, not 100 µs).
//   node bench/search/browser.mjs <dir with index.json and pkg/> <rounds> <linear up to>
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { createRequire } from 'node:module';

const [dir, rounds, linearUpTo] = process.argv.slice(2);
const require = createRequire(join(process.cwd(), 'end2end/package.json'));
const { chromium } = require('playwright');

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const page = `<!doctype html><meta charset="utf-8"><title>search bench</title><script type="module">
import init, { run } from '/pkg/panjere_search_bench.js';
await init();
const json = await (await fetch('/index.json')).text();
try { window.result = run(json, ${Number(rounds)}, ${Number(linearUpTo)}); } catch (e) { window.failure = String(e); }
</script>`;
const server = createServer(async (req, res) => {
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  try {
    const body = req.url === '/' ? page : await readFile(join(dir, req.url));
    res.writeHead(200, { ...headers, 'Content-Type': types[extname(req.url)] ?? 'text/html' });
    res.end(body);
  } catch {
    res.writeHead(404, headers);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => window.result || window.failure, null, { timeout: 600_000 });
  const { result, failure, isolated } = await tab.evaluate(() => ({ result: window.result, failure: window.failure, isolated: crossOriginIsolated }));
  if (!isolated) console.log('(not cross-origin isolated: timer resolution 100 µs)');
  if (failure) {
    console.error(failure);
    process.exitCode = 1;
  } else {
    console.log(result);
  }
} finally {
  await browser.close();
  server.close();
}
