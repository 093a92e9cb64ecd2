import { join } from 'node:path';
import { appReady, expect, test } from './fixtures';

/**
 * The main pages as citizens see them, in Persian and English, on a phone
 * and a desktop (both projects), compared with the images beside this file
 * (`visual.spec.ts-snapshots/`): a visual regression such as list numbers
 * showing in the breadcrumbs fails here. After an intended change:
 * `npx playwright test visual --update-snapshots`, then look at the new
 * images before committing them.
 */
/** Every card painted, also off screen (see the file). */
const STYLE = join(__dirname, 'visual.css');

const PAGES: [string, string][] = [
  ['home', '/'],
  ['service', '/services/passport-issuance'],
  ['agency', '/agencies/post'],
  ['sign-in', '/sign-in'],
];

for (const lang of ['fa', 'en'] as const) {
  test.describe(`the main pages look as they should (${lang})`, () => {
    test.beforeEach(async ({ page }) => {
      await page.addInitScript((l) => localStorage.setItem('panjere.lang', l), lang);
    });
    for (const [name, path] of PAGES) {
      test(name, async ({ page }) => {
        await page.goto(path);
        await appReady(page);
        await expect(page.locator('main .loading')).toHaveCount(0);
        await expect(page.locator('html')).toHaveAttribute('lang', lang);
        await page.evaluate(() => document.fonts.ready);
        await expect(page).toHaveScreenshot(`${name}-${lang}.png`, { fullPage: true, animations: 'disabled', maxDiffPixelRatio: 0.01, stylePath: STYLE });
      });
    }
  });
}
