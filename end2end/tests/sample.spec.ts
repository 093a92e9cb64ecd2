import { expect, expectAccessible, expectPaintedAsShown, fa, test } from './fixtures';
import { signIn } from './fixtures/auth';
import { backToRequest, payFee } from './fixtures/pay';
import type { Page } from '@playwright/test';

/**
 * A sample of the catalog used through the window on a phone, across
 * agencies: inquiries of eleven agencies, "nothing on record", an
 * application with the window's own inquiries and a "more information"
 * round trip, and a rejection with its reason. (Every service's form is
 * walked through the API by the Rust test
 * `every_service_of_the_catalog_completes_through_the_window`.)
 */
test.describe('a sample of the catalog', () => {
  test.beforeEach(({}, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'run on a phone viewport');
  });

  /** Opens the service, starts it, and answers an inquiry with `values` (label → value). */
  async function ask(page: Page, service: string, values: [RegExp, string][]) {
    await page.goto(`/services/${service}`);
    await page.locator('#use-service').click();
    await expect(page).toHaveURL(new RegExp(`/services/${service}/use$`));
    for (const [label, value] of values) await page.getByLabel(label).fill(value);
    await page.getByRole('button', { name: fa.use_ask }).click();
  }

  test('inquiries of eleven agencies, and nothing on record', async ({ page, request }) => {
    test.setTimeout(180_000);
    await page.goto('/sign-in');
    await signIn(page, request, '0091234565', '09120000001');
    const inquiries: [string, [RegExp, string][], RegExp][] = [
      ['cheque-status', [[/شناسه صیادی چک/, '۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶']], /رنگ وضعیت صادرکننده/],
      ['imei-status', [[/شناسه گوشی/, '356938035643809']], /وضعیت گوشی/],
      ['gas-bill', [[/شناسه قبض گاز/, '1234567890']], /مبلغ قبض/],
      ['medicine-authenticity', [[/کد اصالت/, '12345678901234567890']], /کالا اصیل است/],
      ['parcel-tracking', [[/کد رهگیری مرسوله/, '123456789012345678901234']], /وضعیت مرسوله/],
      ['standard-mark-check', [[/کد ۸ رقمی/, '12345678']], /نشان استاندارد معتبر/],
      ['port-cargo-status', [[/شماره بارنامه دریایی/, '12345678']], /وضعیت محموله/],
      ['title-deed-inquiry', [[/شناسه یکتای سند/, '123456789012345678']], /تعداد مالکان/],
      ['fuel-quota', [[/پلاک خودرو/, '12ب34567']], /سهمیه باقی‌مانده/],
      ['water-bill', [[/شناسه قبض آب/, '1234567890']], /مصرف \(متر مکعب\)/],
      ['electricity-bill', [[/شناسه قبض برق/, '1234567890']], /مهلت پرداخت/],
    ];
    for (const [service, values, shown] of inquiries) {
      await ask(page, service, values);
      await expect(page.locator('#answer'), service).toContainText(shown);
    }
    await expectAccessible(page);
    // A bad identifier gets the field's own message.
    await ask(page, 'imei-status', [[/شناسه گوشی/, '35693803564']]);
    await expect(page.locator('.field-error')).toContainText('این شماره باید ۱۵ رقم باشد.');
    // This persona has nothing on record at the traffic police.
    await page.goto('/services/negative-points/use');
    await page.getByRole('button', { name: fa.use_ask }).click();
    await expect(page.locator('#error-summary')).toContainText('در پلیس راهور فراجا چیزی به نام شما ثبت نشده است.');
    await expect(page.locator('#answer')).toHaveCount(0);
  });

  /** Fills the open step's fields (label → value; a select takes its option value) and continues. */
  async function step(page: Page, values: [RegExp, string, 'fill' | 'select'][]) {
    for (const [label, value, how] of values) {
      const field = page.getByLabel(label);
      if (how === 'select') await field.selectOption(value);
      else await field.fill(value);
    }
    await page.locator('#continue').click();
  }

  test('an application with the window’s inquiries and a request for more information', async ({ page, request }) => {
    test.setTimeout(180_000);
    await page.goto('/services/criminal-record-certificate');
    // The documents the window fetches itself are named on the page.
    await page.locator('#use-service').click();
    await signIn(page, request, '0093456786', '09120000003');
    await expect(page.getByText('هویت متقاضی، از ثبت احوال')).toBeVisible();
    await page.locator('#start-application').click();
    await expect(page).toHaveURL(/\/drafts\/[0-9a-f]{32}$/);
    await step(page, [[/مورد استفاده/, 'job', 'select'], [/کد پستی محل سکونت/, '۱۳۱۴۵۶۷۸۹۱', 'fill']]);
    await expect(page.locator('main h1')).toHaveText(fa.apply_review_title);
    await page.locator('#submit-application').click();
    await expect(page).toHaveURL(/\/requests\/[0-9a-f]{32}\?new=1$/);
    await payFee(page);
    await backToRequest(page);

    // The agency asks for more information; the citizen answers on the request page.
    const reply = page.locator('#reply-form');
    await expect(reply).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('#agency-messages')).toContainText('نشانی دقیق');
    // On a direct visit the server paints the form too, inert until the app runs.
    const visit = await page.goto(page.url());
    await expect(reply).toBeVisible();
    await expectPaintedAsShown(page, ['#reply-form'], await visit!.text(), true);
    await expectAccessible(page);
    await page.locator('#reply-form button[type="submit"]').click();
    await expect(page.locator('#reply-error')).toHaveText(fa.request_reply_empty);
    // The page asks for the request every 3 s while the citizen types: the
    // field stays the same field, with what is typed and the focus.
    const field = page.getByLabel(fa.request_reply_label);
    await field.pressSequentially('تهران، ');
    await field.evaluate((el) => ((el as HTMLTextAreaElement & { typedHere?: boolean }).typedHere = true));
    const refreshed = (r: { url(): string; request(): { method(): string } }) =>
      new URL(r.url()).pathname === new URL(page.url()).pathname.replace('/requests/', '/api/requests/') && r.request().method() === 'GET';
    await page.waitForResponse(refreshed, { timeout: 10_000 });
    await page.waitForResponse(refreshed, { timeout: 10_000 });
    await expect(field).toBeFocused();
    await expect(field).toHaveValue('تهران، ');
    expect(await field.evaluate((el) => (el as HTMLTextAreaElement & { typedHere?: boolean }).typedHere)).toBe(true);
    await field.fill('تهران، خیابان آزادی، پلاک ۱۲؛ عصرها تماس بگیرید');
    await page.locator('#reply-form button[type="submit"]').click();
    // The answer is on the timeline (the agency may decide within a second,
    // so the status itself may already be past it).
    await expect(page.locator('#timeline li[data-status="answered"]')).toBeVisible();
    await expect(reply).toHaveCount(0);
    // Then the decision, with the reference of the certificate issued.
    await expect(page.locator('#timeline li[data-status="delivered"]')).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('#agency-messages')).toContainText('JUDICIARY-SERVICES-DOC-');
    await expect(page.getByText('نشانی از روی کد پستی، از شرکت ملی پست', { exact: false })).toBeVisible();
  });

  test('a rejection comes with its reason', async ({ page, request }) => {
    test.setTimeout(180_000);
    await page.goto('/services/sana-registration');
    await page.locator('#use-service').click();
    await signIn(page, request, '0092345670', '09120000002');
    await page.locator('#start-application').click();
    await expect(page).toHaveURL(/\/drafts\/[0-9a-f]{32}$/);
    await step(page, [[/شماره همراه برای تماس/, '09120000002', 'fill'], [/کد پستی محل سکونت/, '1314567891', 'fill']]);
    await page.locator('#submit-application').click();
    await expect(page).toHaveURL(/\/requests\/[0-9a-f]{32}\?new=1$/);
    await expect(page.locator('#request-status')).toHaveText(fa.req_status_rejected, { timeout: 60_000 });
    await expect(page.locator('#agency-messages')).toContainText('درخواست رد شد');
    await expectAccessible(page);
  });

  test('an information page says what it is and leads to its services', async ({ page }) => {
    await page.goto('/services/online-shop-trust-check');
    await expect(page.locator('.content').first()).toContainText('اینماد');
    const related = page.locator('#related-services a');
    await expect(related).toHaveCount(3);
    await related.first().click();
    await expect(page).toHaveURL(/\/services\/cybercrime-report$/);
  });
});
