import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appReady, en, expect, expectAccessible, fa, holdResponses, test } from './fixtures';
import { signIn } from './fixtures/auth';

test.describe('home', () => {
  test('renders right to left in Persian with the right title and no console errors', async ({ page, home, consoleErrors }) => {
    await home.goto();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page).toHaveTitle(fa.site_name);
    await expect(page.locator('main h1')).toHaveText(fa.home_title);
    // the lead counts agencies and services in Persian digits
    await expect(page.locator('.hero .lead')).toContainText(/[۰-۹]/);
    await expect(page.getByRole('heading', { name: fa.popular_title })).toBeVisible();
    await expect(page.locator('main .service-list > li')).toHaveCount(8);
    await expect(page.getByRole('heading', { name: fa.categories_title })).toBeVisible();
    await expect(page.getByRole('link', { name: /مالیات/ }).first()).toBeVisible();
    await expect(page.getByRole('heading', { name: fa.events_title })).toBeVisible();
    await expectAccessible(page);
    expect(consoleErrors).toEqual([]);
  });
});

test.describe('search, when the index could not be fetched', () => {
  // The index's request is dropped here, not by the service worker.
  test.use({ serviceWorkers: 'block' });

  test('the next use of the search box fetches it again, and suggestions come', async ({ page, home }) => {
    let dropped = 0;
    await page.route('**/api/catalog/search-index', (route) => {
      dropped += 1;
      return route.abort('connectionreset');
    });
    await home.goto();
    await home.type('پاسپورت');
    await expect.poll(() => dropped).toBeGreaterThan(0);
    await page.unroute('**/api/catalog/search-index');
    await home.search.blur();
    await home.search.fill('');
    await home.type('پاسپورت');
    await expect(home.option(/گذرنامه/).first()).toBeVisible();
  });
});

test.describe('search', () => {
  test('Arabic-yeh input finds the tax services, as you type and on the results page', async ({ page, home, results }) => {
    await home.goto();
    await home.type('ماليات'); // Arabic yeh (U+064A)
    await expect(home.suggestions).toBeVisible();
    await expect(home.option(/مالیات/).first()).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: /پیشنهاد/ })).toBeVisible();
    await home.search.press('Enter');
    await expect(page).toHaveURL(/\/search\?q=/);
    await expect(page.locator('main h1')).toContainText('ماليات');
    const links = results.resultLinks();
    await expect(links.first()).toBeVisible();
    const names = await links.allTextContents();
    expect(names.slice(0, 5).every((n) => n.includes('مالیات') || n.includes('مفاصاحساب') || n.includes('مودیان') || n.includes('کد اقتصادی') || n.includes('اعتراض'))).toBe(true);
    expect(names.some((n) => n.includes('مفاصاحساب مالیاتی'))).toBe(true);
    await expectAccessible(page);
  });

  test('the keyboard chooses a suggestion and opens its service', async ({ page, home }) => {
    await home.goto();
    await home.type('پاسپورت');
    await expect(home.option(/گذرنامه/).first()).toBeVisible();
    await home.search.press('ArrowDown');
    await expect(home.search).toHaveAttribute('aria-activedescendant', /-opt-0$/);
    await home.search.press('Enter');
    await expect(page).toHaveURL(/\/services\/passport-/);
    await expect(page.locator('main h1')).toContainText('گذرنامه');
    // focus moved to the new page's heading
    await expect(page.locator('main h1')).toBeFocused();
  });

  test('a search URL is shareable and handles no results and an empty query', async ({ page, results }) => {
    await results.goto('پاسپورت');
    await expect(results.resultLinks().first()).toBeVisible();
    expect(await results.resultLinks().allTextContents()).toContain('صدور گذرنامه');
    await results.goto('zzqqxxyy');
    await expect(page.getByRole('heading', { name: fa.search_no_results })).toBeVisible();
    await expectAccessible(page);
    await page.goto('/search');
    await expect(page.getByText(fa.search_empty_query)).toBeVisible();
  });

  test('kind filter and paging keep the query in the address', async ({ page, results }) => {
    await results.goto('استعلام');
    await page.getByRole('navigation', { name: fa.filter_label }).getByRole('link', { name: fa.kind_inquiry }).click();
    await expect(page).toHaveURL(/kind=inquiry/);
    // The filtered list has replaced the first one (whose first page may be
    // all inquiries too) when its pager carries the filter.
    const next = page.getByRole('link', { name: fa.pager_next });
    await expect(next).toHaveAttribute('href', /kind=inquiry/);
    await expect(page.locator('main .service-list .badge.kind').first()).toHaveText(fa.kind_inquiry);
    const kinds = await page.locator('main .service-list .badge.kind').allTextContents();
    expect(new Set(kinds)).toEqual(new Set([fa.kind_inquiry]));
    await next.click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page).toHaveURL(/kind=inquiry/);
  });
});

test.describe('service page', () => {
  test('a deep link works, also on reload, and marks documents the window fetches itself', async ({ page, service }) => {
    await service.goto('passport-issuance');
    await expect(service.heading).toHaveText('صدور گذرنامه');
    await expect(page).toHaveTitle(`صدور گذرنامه | ${fa.site_name}`);
    await page.reload();
    await expect(service.heading).toHaveText('صدور گذرنامه');
    const fetched = service.documents().filter({ hasText: 'سازمان وظیفه عمومی' });
    await expect(fetched).toHaveClass(/fetched/);
    await expect(fetched).toContainText('لازم نیست بیاورید');
    await expect(page.getByText(fa.level_fully_electronic).first()).toBeVisible();
    await expect(page.getByRole('heading', { name: fa.service_how })).toBeVisible();
    // fee in Persian digits with toman beside rials
    await expect(page.locator('.facts')).toContainText('تومان');
    await expectAccessible(page);
  });

  test('breadcrumbs are a trail with no list numbers, as painted and as the app renders them', async ({ page }) => {
    const release = await holdResponses(page, '**/api/catalog/services/passport-issuance');
    await page.goto('/services/passport-issuance');
    const markers = () => page.locator('.breadcrumbs li').evaluateAll((items) => items.map((li) => getComputedStyle(li).listStyleType));
    // (Polled: the app may be moving the painted page into its own while
    // it is read, and a detached item has no style.)
    await expect(page.locator('main h1.shell-title')).toHaveText('صدور گذرنامه');
    await expect.poll(markers).toEqual(['none', 'none', 'none']);
    // The server's breadcrumbs and the app's are the same trail: each
    // item's text, link and current-page mark.
    const trail = () =>
      page.locator('.breadcrumbs li').evaluateAll((items) =>
        items.map((li) => [li.textContent?.trim(), li.querySelector('a')?.getAttribute('href') ?? null, li.querySelector('[aria-current="page"]') !== null]),
      );
    await expect.poll(trail).toHaveLength(3);
    const painted = await trail();
    release();
    await expect(page.locator('main h1:not(.shell-title)')).toHaveText('صدور گذرنامه');
    await expect(page.locator('main h1.shell-title')).toHaveCount(0);
    await expect.poll(markers).toEqual(['none', 'none', 'none']);
    await expect.poll(trail).toEqual(painted);
    expect(painted.map((item) => item[2])).toEqual([false, false, true]);
  });

  test('the server paints the page; the app keeps it, unmoved, until its own page has the data', async ({ page }) => {
    // Hold the service's data until the app has started.
    const release = await holdResponses(page, '**/api/catalog/services/passport-issuance');
    await page.goto('/services/passport-issuance');
    const painted = page.locator('main h1.shell-title');
    await expect(painted).toHaveText('صدور گذرنامه');
    const crumbs = page.getByRole('navigation', { name: fa.breadcrumb_label });
    await expect(crumbs.getByRole('link', { name: fa.nav_home })).toBeVisible();
    // The app has mounted (its skip link is not in the shell), rendered the
    // service page, and is waiting for its data: the painted page is still
    // there (now kept by the service page), with no loading placeholder.
    await expect(page.locator('a.skip-link')).toBeAttached();
    const kept = page.locator('main > .wrap .painted h1.shell-title');
    await expect(kept).toHaveText('صدور گذرنامه');
    await expect(page.locator('main .loading')).toHaveCount(0);
    const before = await kept.boundingBox();
    expect(before?.y).toBeGreaterThan(0);
    release();
    const live = page.locator('main h1:not(.shell-title)');
    await expect(live).toHaveText('صدور گذرنامه');
    await expect(painted).toHaveCount(0);
    expect((await live.boundingBox())?.y).toBe(before?.y);
    await expect(crumbs.getByRole('link', { name: fa.nav_home })).toBeVisible();
  });

  test('an English reader never sees the Persian painted page beside the English app', async ({ page, request }) => {
    const name = (await (await request.get('/api/catalog/services/passport-issuance')).json()).name.en;
    await page.addInitScript(() => localStorage.setItem('panjere.lang', 'en'));
    const release = await holdResponses(page, '**/api/catalog/services/passport-issuance');
    await page.goto('/services/passport-issuance');
    await expect(page.locator('a.skip-link')).toHaveText(en.skip_to_content);
    await expect(page.locator('main h1.shell-title')).toHaveCount(0);
    await expect(page.locator('main .loading')).toContainText(en.loading);
    release();
    await expect(page.locator('main h1')).toHaveText(name);
  });

  test('an unknown service shows a clear not-found message with a retry', async ({ page }) => {
    await page.goto('/services/no-such-service');
    await expect(page.getByRole('alert')).toContainText(fa.error_not_found);
    await expect(page.getByRole('button', { name: fa.retry })).toBeVisible();
  });
});

test.describe('languages', () => {
  test('switching to English flips direction and text, and is remembered', async ({ page, home }) => {
    await home.goto();
    await page.getByRole('button', { name: fa.switch_language_label }).click();
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('main h1')).toHaveText(en.home_title);
    await expect(page).toHaveTitle(en.site_name);
    await expect(page.locator('.hero .lead')).toContainText(/[0-9]/);
    await expectAccessible(page);
    await page.goto('/services/tax-clearance');
    await expect(page.locator('main h1')).toHaveText('Tax clearance inquiry');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
    await expect(page.locator('main h1')).toHaveText('Tax clearance inquiry');
    await page.getByRole('button', { name: en.switch_language_label }).click();
    await expect(page.locator('main h1')).toHaveText('استعلام مفاصاحساب مالیاتی');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  });
});

test.describe('languages, when English cannot come', () => {
  // The service worker is blocked so the page's own request can be dropped.
  test.use({ serviceWorkers: 'block' });

  test('a switch to English whose strings cannot be fetched says so in both languages, and works when tried again', async ({ page, home }) => {
    await page.route(/\/strings-en-[0-9a-f]{16}\.txt$/, (route) => route.abort('internetdisconnected'));
    await home.goto();
    await page.getByRole('button', { name: fa.switch_language_label }).click();
    const notice = page.locator('#english-failed');
    await expect(notice).toContainText(fa.english_failed);
    await expect(notice.locator('span[lang="en"]')).toHaveText(en.english_failed_en);
    await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
    await expect(page.locator('main h1')).toHaveText(fa.home_title);
    await expectAccessible(page);

    await page.unroute(/\/strings-en-[0-9a-f]{16}\.txt$/);
    await page.getByRole('button', { name: fa.switch_language_label }).click();
    await expect(page.locator('main h1')).toHaveText(en.home_title);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(notice).toHaveCount(0);
  });
});

test.describe('agencies and topics', () => {
  test('the agency list filters with Arabic letters, and an agency page shows its connection in Jalali', async ({ page, agencies }) => {
    await agencies.goto();
    await expect(page.locator('main h1')).toHaveText(fa.agencies_title);
    const all = await agencies.cards.count();
    expect(all).toBeGreaterThanOrEqual(60);
    await agencies.filter.fill('ماليات');
    await expect(agencies.cards).toHaveCount(1);
    await expectAccessible(page);
    await agencies.cards.getByRole('link').click();
    await expect(page).toHaveURL(/\/agencies\/tax$/);
    await expect(page.locator('main h1')).toHaveText('سازمان امور مالیاتی کشور');
    // connected on 20 Azar 1400, shown in the Persian calendar with Persian digits
    await expect(page.locator('.facts')).toContainText('آذر');
    await expect(page.locator('.facts')).toContainText('۱۴۰۰');
    await expectAccessible(page);
  });

  test('category, life event and the whole catalog list their services', async ({ page }) => {
    await page.goto('/categories/tax');
    await expect(page.locator('main h1')).toHaveText('مالیات');
    await expect(page.locator('main .service-list > li').first()).toBeVisible();
    await expectAccessible(page);
    await page.goto('/life-events/birth');
    await expect(page.locator('main h1')).toHaveText('تولد فرزند');
    await expect(page.getByRole('link', { name: 'ثبت ولادت و صدور شناسنامه نوزاد' })).toBeVisible();
    await expectAccessible(page);
    await page.goto('/services?level=smart');
    await expect(page.locator('main h1')).toHaveText(fa.services_title);
    const levels = await page.locator('main .service-list .badge[class*="level-"]').allTextContents();
    expect(new Set(levels)).toEqual(new Set([fa.level_smart]));
    await expectAccessible(page);
  });

  test('an unknown address shows a real 404 page', async ({ page }) => {
    await page.goto('/no/such/page');
    await appReady(page);
    await expect(page.locator('main h1')).toHaveText(fa.not_found_title);
    await expect(page.getByRole('link', { name: fa.not_found_home })).toBeVisible();
    await expectAccessible(page);
  });
});

/**
 * The pages whose heading the server paints from the locale: `(heading title
 * [lead])` in the page table; `citizen` for those of its `citizen` group,
 * painted for a signed-in citizen only.
 */
type HeadingPage = { path: string; title: string; lead?: string; back?: [string, string]; citizen: boolean };

function headingPages(): HeadingPage[] {
  const table = readFileSync(join(__dirname, '..', '..', 'api', 'src', 'pages.rs'), 'utf8');
  // The table's own `citizen {` line (the docs above it name it too).
  const citizenFrom = table.search(/^\s*citizen \{\s*$/m);
  return [...table.matchAll(/\("(\/[^"]*)", \w+, \w+, \(heading (\w+)(?: (\w+))?(?: back (\w+) "([^"]*)")?\)/g)].map((m) => {
    const [, path, title, lead, link, href] = m;
    return { path, title, lead, back: link ? [link, href] : undefined, citizen: citizenFrom !== -1 && m.index! > citizenFrom };
  });
}

test.describe('server', () => {
  /** The painted heading (lead, link back) of `path` is the app's, `get` reading the painted page. */
  async function sameHeading(page: Page, get: (path: string) => Promise<string>, p: HeadingPage) {
    const { path, title, lead, back } = p;
    const html = await get(path);
    const painted = html.match(/<h1 class="shell-title">([^<]*)<\/h1>(?:<p class="lead">([^<]*)<\/p>)?/);
    expect(painted?.[1], `${path}: painted heading`).toBe(fa[title as keyof typeof fa]);
    if (lead) expect(painted?.[2], `${path}: painted lead`).toBe(fa[lead as keyof typeof fa]);
    if (back) {
      const link = `<p class="breadcrumb-back"><a href="${back[1]}">${fa[back[0] as keyof typeof fa]}</a></p><h1 class="shell-title">`;
      expect(html, `${path}: painted link back`).toContain(link);
    }
    await page.goto(path);
    await appReady(page);
    await expect(page.locator('main h1'), `${path}: the app's heading`).toHaveText(painted![1]);
    if (lead) await expect(page.locator('main p.lead').first(), `${path}: the app's lead`).toHaveText(painted![2]);
    if (back) {
      const link = page.locator('main p.breadcrumb-back a');
      await expect(link, `${path}: the app's link back`).toHaveText(fa[back[0] as keyof typeof fa]);
      await expect(link).toHaveAttribute('href', back[1]);
    }
  }

  test('a page painted by the server is the page the app renders: same heading and lead', async ({ page, request }) => {
    // (The pages painted with more than a heading are checked element for element below.)
    const pages = headingPages().filter((p) => !p.citizen);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const p of pages) await sameHeading(page, async (path) => (await request.get(path)).text(), p);
  });

  test("a citizen's page is painted for them alone, as the app renders it; anyone else is sent to sign in by the server", async ({ page, request }, testInfo) => {
    // One sign-in, on the phone (the painting is the same on any screen).
    test.skip(testInfo.project.name !== 'phone', 'signs in once, on the phone project');
    test.setTimeout(60_000);
    const pages = headingPages().filter((p) => p.citizen);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.filter((p) => p.back).length).toBeGreaterThanOrEqual(1);
    const first = pages[0];
    const away = await request.get(first.path, { maxRedirects: 0 });
    expect(away.status(), `${first.path} signed out`).toBe(303);
    expect(away.headers().location).toBe(`/sign-in?next=${encodeURIComponent(first.path)}`);
    await page.goto(first.path);
    await expect(page).toHaveURL(/\/sign-in\?next=/);
    await signIn(page, request, '0089123451', '09121234567');
    await expect(page).toHaveURL(first.path);
    // The browser's own cookies: signed in.
    const get = async (path: string) => (await page.request.get(path, { maxRedirects: 0 })).text();
    for (const p of pages) await sameHeading(page, get, p);
    // Using a service: its heading and summary, painted from the catalog.
    const use = '/services/passport-issuance/use';
    const painted = (await get(use)).match(/<h1 class="shell-title">([^<]*)<\/h1><p class="lead">([^<]*)<\/p>/);
    expect(painted?.[1], `${use}: painted heading`).toBe('صدور گذرنامه');
    await page.goto(use);
    await appReady(page);
    await expect(page.locator('main h1'), `${use}: the app's heading`).toHaveText(painted![1]);
    await expect(page.locator('main p.lead').first(), `${use}: the app's lead`).toHaveText(painted![2]);
  });

  test('a list the server paints is the list the app renders, element for element, and nothing moves', async ({ page, request, browser }) => {
    // Twelve pages, each loaded three times.
    test.setTimeout(150_000);
    // Every element of the painted page (not the visually hidden loading
    // note), as tag, class, the attributes that matter and its own text.
    const shape = (html: string | null) => {
      const root = html ? new DOMParser().parseFromString(html, 'text/html').querySelector('main .wrap') : document.querySelector('main .wrap');
      const rows: string[] = [];
      for (const el of Array.from(root!.querySelectorAll('*'))) {
        if (el.matches('.painted, .visually-hidden') || el.closest('.pager, .visually-hidden')) continue;
        const attrs = ['href', 'aria-current', 'aria-label', 'for', 'id', 'role'].map((a) => el.getAttribute(a) ?? '').join('|');
        const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent!.trim()).join('');
        rows.push(`${el.tagName.toLowerCase()}.${(el.getAttribute('class') ?? '').replace('shell-title', '').trim()}|${attrs}|${own}`);
      }
      return rows;
    };
    const lists = ['/services', '/services?kind=inquiry&page=2', '/agencies', '/categories/tax', '/life-events/birth', '/search?q=%DA%AF%D8%B0%D8%B1%D9%86%D8%A7%D9%85%D9%87'];
    // Each page, and the last of what the server painted on it.
    const paintedPages: [string, string][] = [
      ...lists.map((path): [string, string] => [path, 'main li.card']),
      ['/sign-in', 'main .wrap > p.hint'],
      ['/sign-in?next=%2Fme', 'main .wrap > p.hint'],
      ['/sign-in?reason=idle&next=%2Frequests', 'main .wrap > p.hint'],
      ['/search', 'main p.empty'],
      ['/search?q=zzzzzzzz', 'main .empty a'],
      ['/dashboard', '#smart-rule'],
    ];
    for (const [path, last] of paintedPages) {
      const html = await (await request.get(path)).text();
      await page.goto('/');
      const painted = await page.evaluate(shape, html);
      if (lists.includes(path)) expect(painted.filter((r) => r.startsWith('li.card|')).length, `${path}: painted cards`).toBeGreaterThan(1);
      else if (path.startsWith('/sign-in')) expect(painted.filter((r) => r.startsWith('input.|')).length, `${path}: the painted form`).toBe(2);
      else expect(painted.length, `${path}: painted`).toBeGreaterThan(3);
      // Where the painted page's heading and first card are, before the app
      // (no script runs: only the server's page).
      const painter = await browser.newContext({ javaScriptEnabled: false, viewport: page.viewportSize(), serviceWorkers: 'block', locale: 'fa-IR' });
      const shell = await painter.newPage();
      await shell.goto(new URL(path, page.url()).href);
      await shell.evaluate(() => document.fonts.ready);
      const box = (p: typeof page) => p.evaluate((last) => ['main h1', last].map((s) => JSON.stringify(document.querySelector(s)!.getBoundingClientRect())), last);
      const before = await box(shell);
      await painter.close();
      await page.goto(path);
      await appReady(page);
      await expect(page.locator('main .painted')).toHaveCount(0);
      const rendered = await page.evaluate(shape, null);
      // The dashboard's figures come under what was painted.
      expect(path === '/dashboard' ? rendered.slice(0, painted.length) : rendered, `${path}: the app renders what was painted`).toEqual(painted);
      await page.evaluate(() => document.fonts.ready);
      const after = await box(page);
      expect(after, `${path}: the heading and the first card (the form's last line) do not move`).toEqual(before);
    }
  });

  test('security headers and the API', async ({ request }) => {
    const res = await request.get('/');
    const csp = res.headers()['content-security-policy'];
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers()['x-request-id']).toBeTruthy();
    const health = await (await request.get('/api/health')).json();
    expect(health.status).toBe('ok');
    const bad = await request.get('/api/catalog/services?kind=nope');
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.parameter).toBe('kind');
  });
});

test.describe('painted pages before the app', () => {
  // The held code must come from the network, not the worker's cache.
  test.use({ serviceWorkers: 'block' });

  test('the painted sign-in form takes nothing until the app has it, then everything', async ({ page }) => {
    const release = await holdResponses(page, '**/*.wasm');
    await page.goto('/sign-in');
    await expect(page.locator('#national-code')).not.toBeEditable();
    await expect(page.getByRole('button', { name: fa.sign_in_send_code })).toBeDisabled();
    release();
    await appReady(page);
    await page.locator('#national-code').fill('0012345678');
    await expect(page.locator('#national-code')).toHaveValue('0012345678');
    await expect(page.getByRole('button', { name: fa.sign_in_send_code })).toBeEnabled();
  });

  test('what a citizen types in a painted form or filter before the app takes over is kept', async ({ page }) => {
    for (const [path, fields] of [
      ['/agencies', { 'agency-filter': 'پست' }],
      ['/search?q=%DA%AF%D8%B0%D8%B1%D9%86%D8%A7%D9%85%D9%87', { 'search-page': 'مالیات' }],
    ] as const) {
      // The page's code is held: only the server's page is there.
      const release = await holdResponses(page, '**/*.wasm');
      await page.goto(path);
      for (const [id, value] of Object.entries(fields)) await page.locator(`#${id}`).fill(value);
      release();
      await appReady(page);
      await expect(page.locator('main .painted')).toHaveCount(0);
      for (const [id, value] of Object.entries(fields)) await expect(page.locator(`#${id}`), `${path} #${id}`).toHaveValue(value);
      if (path.startsWith('/agencies')) {
        await expect(page.locator('main li.card').first()).toContainText('پست');
        expect(await page.locator('main li.card').count()).toBeLessThan(5);
      }
    }
  });
});
