import { expect, expectAccessible, expectPaintedAsShown, fa, test } from './fixtures';
import { signIn } from './fixtures/auth';
import { backToRequest, payFee } from './fixtures/pay';

/**
 * Using a service on a phone, as persona 0056781237 (tax debt; used by no
 * other test): an inquiry, then an application end to end with the
 * window's own inter-agency inquiry, its tracking code, status changes
 * pushed by the agency, the inbox and "who used my data".
 */
test.describe('using a service', () => {
  // A reader outside Iran (the browser's zone is not Iran's): times are
  // Iran's, painted by the server and written by the app alike.
  test.use({ timezoneId: 'Europe/Berlin' });
  test.beforeEach(({}, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'run on a phone viewport');
  });

  test('inquiry, application with tracking, inbox and data use', async ({ page, request }) => {
    test.setTimeout(120_000);
    // An inquiry: the service page leads to it; signing in comes back to it.
    await page.goto('/services/tax-clearance');
    await page.locator('#use-service').click();
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fservices%2Ftax-clearance%2Fuse$/);
    await signIn(page, request, '0056781237', '09127777777');
    await expect(page).toHaveURL(/\/services\/tax-clearance\/use$/);
    await expect(page.getByText(fa.use_once_only)).toBeVisible();
    await page.getByRole('button', { name: fa.use_ask }).click();
    const answer = page.locator('#answer');
    await expect(answer).toContainText('مفاصاحساب مالیاتی دارید');
    await expect(answer).toContainText(fa.no);
    await expect(answer).toContainText('ریال');
    await expectAccessible(page);

    // An application in two steps, checked as the citizen types.
    await page.goto('/services/passport-issuance');
    await page.locator('#use-service').click();
    await expect(page.getByText('وضعیت نظام وظیفه، از سازمان وظیفه عمومی')).toBeVisible();
    await page.locator('#start-application').click();
    await expect(page).toHaveURL(/\/drafts\/[0-9a-f]{32}$/);
    await expect(page.locator('main h1')).toContainText('گام ۱ از ۲');
    // On a direct visit the server paints the service, the step and its
    // form as the app renders them, inert until the app runs.
    const draftVisit = await page.goto(page.url());
    await expect(page.getByLabel('هدف سفر')).toBeVisible();
    await expectPaintedAsShown(page, ['.draft-head', 'form.form', 'p.hint[role="status"]'], await draftVisit!.text(), true);
    await page.getByLabel('هدف سفر').selectOption('tourism');
    const date = page.getByLabel(/تاریخ تقریبی سفر/);
    await date.fill('1405/07/31');
    await date.blur();
    await expect(page.locator('.field-error')).toContainText(fa.form_err_jalali_date);
    await date.fill('۱۴۰۵/۰۹/۲۰');
    await expect(page.locator('.field-error')).toHaveCount(0);
    await expectAccessible(page);
    await page.locator('#continue').click();
    await expect(page.locator('main h1')).toContainText('گام ۲ از ۲');
    await page.locator('#continue').click();
    const summary = page.locator('#error-summary');
    await expect(summary).toBeFocused();
    await expect(summary).toContainText(fa.form_err_required);
    await page.getByLabel(/کد پستی محل سکونت/).fill('۱۳۱۴۵-۶۷۸۹۱');
    await page.getByLabel(/شماره همراه برای هماهنگی تحویل/).fill('09127777777');
    await page.locator('#continue').click();
    await expect(page.locator('main h1')).toHaveText(fa.apply_review_title);
    await expect(page.locator('#review')).toContainText('گردشگری');
    await expectAccessible(page);
    await page.locator('#submit-application').click();

    // The receipt: a tracking code, then the agency's status changes.
    await expect(page).toHaveURL(/\/requests\/[0-9a-f]{32}\?new=1$/);
    await expect(page.locator('#tracking-code')).toHaveText(/^[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const code = (await page.locator('#tracking-code').textContent())!.trim();
    // Its fee is a step of the application: nothing goes to the agency
    // until it is paid, on the payment provider's page.
    await payFee(page);
    await expect(page.locator('#receipt-reference')).toHaveText(/^\d{12}$/);
    await expect(page.locator('#receipt-amount')).toContainText('ریال');
    await expect(page.locator('#receipt')).toContainText(code);
    await expectAccessible(page);
    await backToRequest(page);
    await expect(page.locator('#timeline li[data-status="in_review"]')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('#request-payments li[data-state="success"]')).toBeVisible();
    await expect(page.getByText('وضعیت نظام وظیفه، از سازمان وظیفه عمومی', { exact: false })).toBeVisible();
    await expectAccessible(page);

    // The inbox has the status changes; the header counts them.
    await expect(page.locator('#nav-inbox')).toContainText('خوانده‌نشده');
    await page.locator('#nav-inbox').click();
    // (This request's: an earlier run against the same portal left its own.)
    await expect(page.locator('#inbox li[data-status="in_review"]', { hasText: code })).toContainText(code);
    await expectAccessible(page);
    // The server paints the same inbox, item for item, as the app renders
    // it (Leptos's own markers aside), and sends what it painted it from,
    // which the app takes rather than asking the API again.
    let asked = 0;
    const count = (r: { url(): string }) => {
      if (new URL(r.url()).pathname === '/api/inbox') asked += 1;
    };
    page.on('request', count);
    const visit = await page.goto('/inbox');
    const painted = (await visit!.text()).match(/<div class="inbox-list">(.*?)<\/div>/)?.[1];
    expect(painted, 'the painted inbox').toContain(code);
    // The app's own list, not the painted one it showed while loading.
    await page.waitForFunction(() => !document.querySelector('.painted') && document.querySelector('.inbox-list #inbox'));
    const shown = await page.locator('.inbox-list').evaluate((e) => e.innerHTML.replace(/<!--.*?-->/g, ''));
    expect(shown, 'the painted inbox is the one the app renders').toBe(painted);
    expect(asked, 'the inbox is not read again').toBe(0);
    page.off('request', count);
    // Marking one read: its button goes, the count with it.
    // (The agency may still be adding news: the one marked is what counts.)
    const button = page.locator('#inbox li.unread').first().getByRole('button', { name: fa.inbox_mark_read });
    const marked = await button.getAttribute('data-read');
    expect(marked, 'an unread notification').toBeTruthy();
    await button.click();
    await expect(page.locator(`#inbox button[data-read="${marked}"]`)).toHaveCount(0);
    await expect(page.locator('#inbox li.unread').first()).toBeVisible();

    // "Who used my data": the passport police asked the conscription organisation, for this request.
    await page.goto('/me/data-use');
    const use = page.locator('#data-use li[data-operation="conscription.status"]', { hasText: code });
    await expect(use).toContainText(code);
    await expect(use).toContainText('سازمان وظیفه عمومی');
    await expectAccessible(page);

    // "My requests" lists it; anyone can track it by code and national code.
    await page.goto('/requests');
    await expect(page.locator('#requests')).toContainText(code);
    await page.goto('/track');
    await page.getByLabel(fa.track_code).fill(code.toLowerCase());
    await page.getByLabel(fa.sign_in_national_code).fill('0056781237');
    await page.getByRole('button', { name: fa.track_look }).click();
    await expect(page.locator('#track-status')).toBeVisible();
    await expectAccessible(page);
  });

  test('an application with a file, amounts and a Jalali date, as 0023456787', async ({ page, request }) => {
    test.setTimeout(90_000);
    await page.goto('/sign-in?next=%2Fservices%2Feconomic-code%2Fuse');
    await signIn(page, request, '0023456787', '09124444444');
    await page.locator('#start-application').click();
    await page.getByLabel('نام کسب‌وکار').fill('نان سنگک بربری');
    await page.getByLabel('نوع فعالیت').selectOption('retail');
    await page.getByLabel('تاریخ شروع فعالیت').fill('۱۴۰۲/۱۲/۳۰');
    await page.locator('#continue').click();
    // 30 Esfand 1402 does not exist (not a leap year): the server's calendar says so.
    await expect(page.locator('#error-summary')).toContainText(fa.form_err_jalali_date);
    await page.getByLabel('تاریخ شروع فعالیت').fill('۱۴۰۳/۱۲/۳۰');
    await page.locator('#continue').click();
    await expect(page.locator('main h1')).toContainText('گام ۲ از ۲');
    await page.getByLabel('کد پستی محل کسب').fill('1314567891');
    await page.getByLabel(/پیش‌بینی فروش سالانه/).fill('۲٬۵۰۰٬۰۰۰٬۰۰۰');
    const file = page.getByLabel(/اجاره‌نامه یا سند محل کسب/);
    await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a deed') });
    await expect(page.locator('.field-error')).toContainText(fa.form_err_file_type);
    // A program renamed to .pdf: the bytes are not a PDF.
    await file.setInputFiles({ name: 'سند.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a deed') });
    await expect(page.locator('.field-error')).toContainText(fa.form_err_file_content);
    await file.setInputFiles({ name: 'سند.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 deed') });
    await expect(page.getByText('پیوست: سند.pdf')).toBeVisible();
    await expect(page.locator('.field-error')).toHaveCount(0);
    await expectAccessible(page);
    await page.locator('#continue').click();
    await expect(page.locator('#review')).toContainText('تومان');
    await expect(page.locator('#review')).toContainText('سند.pdf');
    await page.locator('#submit-application').click();
    await expect(page.locator('#tracking-code')).toBeVisible();
    await expect(page.locator('#timeline li[data-status="forwarded"]')).toBeVisible({ timeout: 30_000 });
  });
});
