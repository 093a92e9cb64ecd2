import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { appReady, en, expect, fa, test } from './fixtures';
import { signIn } from './fixtures/auth';

/** The Trunk build the server under test serves (`cargo xtask build`). */
const dist = join(__dirname, '..', '..', 'dist');

/** Waits until the service worker controls the page. */
async function controlled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
}

/** The names of the wasm files the page requests from now on. */
function wasmRequests(page: Page): string[] {
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.split('/').pop()!);
  });
  return wasm;
}

/** Every URL held in the page's CacheStorage. */
async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      for (const r of await (await caches.open(name)).keys()) out.push(new URL(r.url).pathname + new URL(r.url).search);
    }
    return out;
  });
}

test.describe('installable app', () => {
  test('the manifest is linked, valid and bilingual', async ({ page, request }) => {
    await page.goto('/');
    await appReady(page);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const res = await request.get(href!);
    expect(res.headers()['content-type']).toContain('manifest+json');
    const m = await res.json();
    expect(m).toMatchObject({ lang: 'fa', dir: 'rtl', display: 'standalone', scope: '/', start_url: '/?source=pwa', theme_color: '#0b4f8a' });
    expect(m.name).toContain('پنجره');
    expect(m.short_name).toBe('پنجره');
    for (const [size, purpose] of [['192x192', 'any'], ['512x512', 'any'], ['512x512', 'maskable']]) {
      const icon = m.icons.find((i: { sizes: string; purpose: string }) => i.sizes === size && i.purpose === purpose);
      expect(icon, `${size} ${purpose} icon`).toBeTruthy();
      const png = await request.get(icon.src);
      expect(png.status()).toBe(200);
      expect(png.headers()['content-type']).toBe('image/png');
      const body = await png.body();
      expect(body.subarray(1, 4).toString()).toBe('PNG');
      expect(body.readUInt32BE(16)).toBe(Number(size.split('x')[0]));
    }
    expect(m.shortcuts.map((s: { url: string }) => s.url)).toEqual(['/search?source=pwa', '/requests?source=pwa']);
    // In English the page links the English manifest.
    await page.getByRole('button', { name: fa.switch_language_label }).click();
    await expect(page.locator('main h1')).toHaveText(en.home_title);
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest-en.webmanifest');
    const english = await (await request.get('/manifest-en.webmanifest')).json();
    expect(english).toMatchObject({ lang: 'en', dir: 'ltr', short_name: 'Panjere', start_url: m.start_url, scope: m.scope, id: m.id });
  });

  test('the service worker installs and precaches exactly this build', async ({ page }) => {
    await page.goto('/');
    await controlled(page);
    const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
    const list: string[] = JSON.parse(sw.match(/const PRECACHE = (\[.*\]);/)![1]);
    const wasm = list.find((u) => u.endsWith('_bg.wasm'));
    expect(wasm, 'the hashed wasm is in the precache list').toBeTruthy();
    expect(existsSync(join(dist, wasm!))).toBe(true);
    expect(list).toContain('/');
    expect(list).toContain('/offline.html');
    const cached = await cachedUrls(page);
    for (const url of list) expect(cached, url).toContain(url);
    expect(cached).toContain('/api/catalog/search-index');
  });

  test('after one visit, home, a service page, an agency and search work offline', async ({ page, context }) => {
    await page.goto('/');
    await controlled(page);
    await appReady(page);
    await page.goto('/services/passport-issuance');
    await expect(page.locator('main h1')).toHaveText('صدور گذرنامه');
    await context.setOffline(true);
    try {
      await page.goto('/');
      await expect(page.locator('main h1')).toHaveText(fa.home_title);
      await expect(page.locator('#offline-banner')).toHaveText(fa.offline_banner);
      await page.goto('/services/passport-issuance');
      await expect(page.locator('main h1')).toHaveText('صدور گذرنامه');
      // English too: its strings were precached, though never asked for.
      await page.getByRole('button', { name: fa.switch_language_label }).click();
      await expect(page.locator('main h1')).toHaveText('Issuing a passport');
      await page.getByRole('button', { name: en.switch_language_label }).click();
      await expect(page.locator('main h1')).toHaveText('صدور گذرنامه');
      // Search runs in the browser over the cached catalog.
      await page.goto(`/search?q=${encodeURIComponent('گذرنامه')}`);
      await expect(page.locator('main a[href="/services/passport-issuance"]').first()).toBeVisible();
      // An agency page never opened before: from the cached lists.
      await page.goto('/agencies/customs');
      await expect(page.locator('main h1')).toHaveText('گمرک جمهوری اسلامی ایران');
      // What is not cached gets the offline page.
      await page.goto('/dashboard');
      await expect(page.locator('h1')).toHaveText('اتصال به اینترنت برقرار نیست');
    } finally {
      await context.setOffline(false);
    }
  });

  test('after visiting only the home page, every catalog page works offline; the catalog comes once the page is interactive', async ({ page, context }) => {
    const pageRequests: string[] = [];
    page.on('request', (r) => pageRequests.push(new URL(r.url()).pathname));
    await page.goto('/');
    await appReady(page);
    const interactive = await page.evaluate(() => Date.now());
    await controlled(page);
    // The worker fetches the whole catalog in the background and keeps
    // every service under its own address.
    const services = async () => (await cachedUrls(page)).filter((u) => u.startsWith('/api/catalog/services/'));
    const askedAt = () => page.evaluate(async () => Number((await (await caches.open('panjere-catalog-v1')).match('/__panjere/offline-catalog'))?.headers.get('x-asked-at') ?? 0));
    await expect.poll(askedAt, { timeout: 30_000, message: 'the worker kept the whole catalog' }).toBeGreaterThan(0);
    expect((await services()).length).toBeGreaterThan(300);
    const asked = await askedAt();
    expect(asked, 'asked for after the page was interactive').toBeGreaterThanOrEqual(interactive);
    expect(pageRequests.filter((u) => u.startsWith('/api/catalog/offline')), 'never by the page itself').toEqual([]);
    // kept, though no page ever asked for it
    expect(await services()).toContain('/api/catalog/services/mobile-phone-registration');
    expect(pageRequests).not.toContain('/api/catalog/services/mobile-phone-registration');
    await context.setOffline(true);
    try {
      // A service page never visited: its summary comes from the kept catalog.
      await page.goto('/services/mobile-phone-registration');
      await expect(page.locator('main h1')).toHaveText('ثبت و رجیستری گوشی تلفن همراه مسافری');
      await expect(page.locator('main p.lead')).toHaveText('گوشی تلفن همراهی را که از سفر آورده‌اید ثبت کنید و عوارض آن را بپردازید.');
      await expect(page.locator('#offline-banner')).toHaveText(fa.offline_banner);
      // An agency, a life event and a topic, none visited.
      await page.goto('/agencies/customs');
      await expect(page.locator('main h1')).toHaveText('گمرک جمهوری اسلامی ایران');
      await expect(page.locator('main a[href="/services/mobile-phone-registration"]')).toBeVisible();
      await page.goto('/life-events/birth');
      await expect(page.locator('main h1')).toHaveText('تولد فرزند');
      await expect(page.getByRole('link', { name: 'ثبت ولادت و صدور شناسنامه نوزاد' })).toBeVisible();
      await page.goto('/categories/tax');
      await expect(page.locator('main h1')).toHaveText('مالیات');
      await expect(page.locator('main .service-list > li').first()).toBeVisible();
    } finally {
      await context.setOffline(false);
    }
  });

  test('signed-in pages are never cached: after sign-out, offline, they are gone', async ({ page, context, request }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'one sign-in per persona and hour: run once');
    await page.goto('/sign-in?next=%2Frequests');
    await controlled(page);
    await signIn(page, request, '0078912342', '09129999999');
    // Signed in, the app goes on to the page asked for.
    await expect(page).toHaveURL(/\/requests$/);
    await expect(page.locator('main h1')).toHaveText(fa.requests_title);
    await page.goto('/me');
    await expect(page.locator('main h1')).toHaveText(fa.profile_title);
    for (const url of await cachedUrls(page)) {
      expect(url.startsWith('/api/') && !url.startsWith('/api/catalog/'), `cached: ${url}`).toBe(false);
    }
    await page.getByRole('button', { name: fa.sign_out, exact: true }).click();
    await expect(page.getByRole('link', { name: fa.sign_in })).toBeVisible();
    await context.setOffline(true);
    try {
      await page.goto('/requests');
      await expect(page.locator('h1')).toHaveText('اتصال به اینترنت برقرار نیست');
      await expect(page.getByText(fa.requests_title)).toHaveCount(0);
    } finally {
      await context.setOffline(false);
    }
  });

  test('a new build is announced and applied on consent', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'changes the served build: run once');
    await page.goto('/');
    await controlled(page);
    await appReady(page);
    await expect(page.getByText(fa.update_ready)).toHaveCount(0);
    const swPath = join(dist, 'sw.js');
    const original = readFileSync(swPath, 'utf8');
    const moved: string[] = [];
    try {
      // Deploy "a new build": a new worker version (the precompressed
      // copies are set aside so the server serves the new file).
      for (const ext of ['.br', '.gz']) {
        if (existsSync(swPath + ext)) {
          renameSync(swPath + ext, swPath + ext + '.saved');
          moved.push(ext);
        }
      }
      writeFileSync(swPath, original.replace(/const VERSION = '([^']*)';/, "const VERSION = '$1-next';"));
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
      const prompt = page.getByText(fa.update_ready);
      await expect(prompt).toBeVisible({ timeout: 20_000 });
      await page.getByRole('button', { name: fa.update_reload }).click();
      await page.waitForFunction(async () => (await caches.keys()).some((k) => k.endsWith('-next')), undefined, { timeout: 20_000 });
      await appReady(page);
      await expect(page.getByText(fa.update_ready)).toHaveCount(0);
    } finally {
      writeFileSync(swPath, original);
      for (const ext of moved) {
        renameSync(swPath + ext + '.saved', swPath + ext);
      }
    }
  });
});

test.describe('light first load', () => {
  // The page's own requests: the service worker's precache fetches (every
  // module) are the context's, not the page's.
  test("the first visit fetches only the main module; another page's code loads when it is opened", async ({ page }) => {
    const wasm = wasmRequests(page);
    await page.goto('/');
    await appReady(page);
    await expect(page.locator('main h1')).toHaveText(fa.home_title);
    expect(wasm, 'home needs the main module alone').toEqual(['panjere-app_bg.wasm']);

    await page.getByRole('navigation', { name: fa.nav_label }).getByRole('link', { name: fa.nav_agencies }).click();
    await expect(page.locator('main h1')).toHaveText(fa.agencies_title);
    const route = wasm.filter((f) => f.startsWith('split_catalog'));
    expect(route, "the agencies page came in the catalog pages' module").toHaveLength(1);
    expect(wasm.filter((f) => f.startsWith('split_') && !route.includes(f)), 'and no other module of pages').toEqual([]);

    // Back home: the main module has it, nothing more is fetched.
    const before = wasm.length;
    await page.getByRole('navigation', { name: fa.nav_label }).getByRole('link', { name: fa.nav_home }).click();
    await expect(page.locator('main h1')).toHaveText(fa.home_title);
    expect(wasm.length).toBe(before);
  });

  test('the English strings come only when English is chosen, once', async ({ page }) => {
    const tables: string[] = [];
    page.on('request', (r) => {
      if (/^\/strings-/.test(new URL(r.url()).pathname)) tables.push(new URL(r.url()).pathname);
    });
    await page.goto('/');
    await appReady(page);
    await page.goto('/services/passport-issuance');
    await expect(page.locator('main h1')).toHaveText('صدور گذرنامه');
    expect(tables, 'a Persian reader never fetches them').toEqual([]);

    await page.getByRole('button', { name: fa.switch_language_label }).click();
    await expect(page.locator('main h1')).toHaveText('Issuing a passport');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatch(/^\/strings-en-[0-9a-f]{16}\.txt$/);
    await page.getByRole('button', { name: en.switch_language_label }).click();
    await expect(page.locator('main h1')).toHaveText('صدور گذرنامه');
    await page.getByRole('button', { name: fa.switch_language_label }).click();
    await expect(page.locator('main h1')).toHaveText('Issuing a passport');
    expect(tables, 'kept for the rest of the visit').toHaveLength(1);
  });

  test("a direct visit to a lazily loaded page fetches its module alongside the main one, each file once", async ({ page }) => {
    const wasm = wasmRequests(page);
    await page.goto('/status');
    await appReady(page);
    await expect(page.locator('main h1')).toHaveText(fa.status_title);
    // The server named the catalog module's files; the loader preloaded them.
    const named = (await page.locator('meta[name="page-code"]').getAttribute('content'))!.split(' ');
    expect(named.map((u) => u.split('/').pop())).toContain('split_catalog.wasm');
    await expect(page.locator('link[rel="preload"][as="fetch"]')).toHaveCount(named.length);
    // The split loader's own fetches used the preloads: no file twice.
    expect(wasm.filter((f) => f !== 'panjere-app_bg.wasm').sort()).toEqual(named.map((u) => u.split('/').pop()!).sort());
    // Home names nothing: its code is the main module.
    await page.goto('/');
    await appReady(page);
    await expect(page.locator('meta[name="page-code"]')).toHaveCount(0);
  });

  test("a worker loads Intl's locale data while the wasm downloads, allowed by the CSP", async ({ page, consoleErrors }) => {
    const warmed = page.waitForResponse((r) => new URL(r.url()).pathname === '/warm-intl.js');
    await page.goto('/');
    expect((await warmed).status()).toBe(200);
    await appReady(page);
    // The page's numbers are still formatted (by the app's own formatter).
    await expect(page.locator('.tile-count').first()).toHaveText(new RegExp(`^${fa.services_count.replace('{n}', '[۰-۹]+')}$`));
    expect(consoleErrors.filter((e) => /Content.Security.Policy|warm-intl/i.test(e))).toEqual([]);
  });

  test.describe('before the service worker has the code', () => {
    // Once the worker has precached every module it serves them itself,
    // out of the test's reach: this is the first visit on a dropping network.
    test.use({ serviceWorkers: 'block' });

    test("a page whose code cannot be fetched says so, and loads on retry", async ({ page }) => {
      await page.goto('/');
      await appReady(page);
      await page.route('**/split_catalog*', (route) => route.abort('internetdisconnected'));
      await page.getByRole('navigation', { name: fa.nav_label }).getByRole('link', { name: fa.nav_agencies }).click();
      const alert = page.getByRole('alert');
      await expect(alert.locator('h1')).toHaveText(fa.page_load_failed_title);
      await expect(alert).toContainText(fa.page_load_failed_body);
      // The rest of the app still answers.
      await expect(page.getByRole('navigation', { name: fa.nav_label })).toBeVisible();
      await page.unroute('**/split_catalog*');
      await alert.getByRole('button', { name: fa.retry }).click();
      await expect(page.locator('main h1')).toHaveText(fa.agencies_title);
    });
  });
});
