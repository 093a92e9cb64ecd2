import type { Page } from '@playwright/test';
import { appReady, expect, expectAccessible, fa, test } from './fixtures';
import { signIn } from './fixtures/auth';

/**
 * axe on every route, signed out and signed in, in the light and the dark
 * theme; both projects run it (phone and desktop). Pages reached only
 * through a flow (a draft, a request) are checked where the flow runs
 * (services.spec.ts).
 */
const PUBLIC_ROUTES = [
  '/',
  `/search?q=${encodeURIComponent('گذرنامه')}`,
  '/services',
  '/services?kind=inquiry&level=smart',
  '/services/passport-issuance',
  '/agencies',
  '/agencies/tax',
  '/categories/tax',
  '/life-events/birth',
  '/status',
  '/dashboard',
  '/track',
  '/sign-in',
  '/no-such-page',
];

const SIGNED_IN_ROUTES = ['/me', '/me/sessions', '/me/data-use', '/requests', '/inbox', '/services/traffic-fines/use', '/services/passport-issuance/use', '/payments', '/pay'];

/**
 * Each route loaded once and checked in both themes: the theme is CSS alone
 * (`prefers-color-scheme`, no transition under reduced motion), so switching
 * the emulated scheme repaints the page as a load in that scheme would.
 */
async function checkAll(page: Page, routes: string[]) {
  for (const route of routes) {
    await test.step(route, async () => {
      await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
      await page.goto(route);
      await appReady(page);
      await expect(page.locator('main .loading')).toHaveCount(0);
      for (const scheme of ['light', 'dark'] as const) {
        await test.step(scheme, async () => {
          await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          await expect.poll(() => page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');
          // The dark theme differs from the light only in its colours.
          await expectAccessible(page, scheme === 'dark' ? 'colours' : undefined);
        });
      }
    });
  }
}

test.describe('accessibility on every route', () => {
  test('signed out', async ({ page }) => {
    // 14 pages, each checked twice: under a minute alone on a slow host.
    test.setTimeout(300_000);
    await checkAll(page, PUBLIC_ROUTES);
  });

  test('signed in', async ({ page, request }) => {
    test.setTimeout(180_000);
    await page.goto('/sign-in?next=%2Fme');
    await signIn(page, request, '0089123451', '09121234567');
    await expect(page).toHaveURL(/\/me$/);
    await checkAll(page, SIGNED_IN_ROUTES);
  });

  test('keyboard: skip link first, focus on the heading after navigation', async ({ page }) => {
    await page.goto('/');
    await appReady(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: fa.skip_to_content });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page.locator('#main')).toBeFocused();
    await page.locator('footer a[href="/dashboard"]').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('main h1')).toHaveText(fa.dash_title);
    await expect(page.locator('main h1')).toBeFocused();
    // Focus is visible: the focused heading or link has an outline.
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
  });
});
