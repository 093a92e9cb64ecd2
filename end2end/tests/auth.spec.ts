import { devices } from '@playwright/test';
import { expect, expectAccessible, fa, test } from './fixtures';
import { newCode, newestId, outbox, persianDigits, signIn } from './fixtures/auth';

/**
 * Sign-in on a phone. Each test signs in as its own persona (agencies/README.md),
 * so resend cooldowns and rate limits of one test never touch another; they
 * run on the phone project only.
 */
test.describe('sign-in and sessions', () => {
  test.beforeEach(({}, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'sign-in is tested on a phone viewport');
  });

  test('full sign-in with the code from the SMS outbox, profile, sign-out', async ({ page, request, context }) => {
    // A protected page sends an anonymous visitor to sign in…
    await page.goto('/me');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fme$/);
    await expect(page.getByText(fa.auth_sign_in_to_continue)).toBeVisible();
    await expect(page.locator('main h1')).toHaveText(fa.sign_in_title);
    await expectAccessible(page);

    // …national code in Persian digits, mobile with +98.
    const before = await newestId(request, '09121111111');
    await page.getByLabel(fa.sign_in_national_code, { exact: true }).fill(persianDigits('0076229645'));
    await page.getByLabel(fa.sign_in_mobile, { exact: true }).fill('+98 912 111 1111');
    await page.getByRole('button', { name: fa.sign_in_send_code }).click();
    const code = page.getByLabel(fa.sign_in_code, { exact: true });
    await expect(code).toBeVisible();
    await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    await expect(code).toHaveAttribute('inputmode', 'numeric');
    await expect(page.getByText(fa.sign_in_code_sent.replace('{mobile}', '\u2066۰۹۱۲***۱۱۱۱\u2069'))).toBeVisible();
    await expect(page.getByText(/تا .* دیگر می‌توانید کد تازه بخواهید/)).toBeVisible();
    await expectAccessible(page);
    const sent = await newCode(request, '09121111111', before);

    // A wrong code first: a specific message with the tries left.
    await code.fill(sent === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: fa.sign_in_verify, exact: true }).click();
    const summary = page.locator('#error-summary');
    await expect(summary).toBeVisible();
    await expect(summary).toContainText(fa.err_code_wrong.replace('{left}', '۴'));
    await expectAccessible(page);

    await code.fill(persianDigits(sent));
    await page.getByRole('button', { name: fa.sign_in_verify, exact: true }).click();

    // …and comes back to where they were going.
    await expect(page).toHaveURL(/\/me$/);
    await expect(page.locator('main h1')).toHaveText(fa.profile_title);
    const profile = page.locator('#profile');
    await expect(profile).toContainText('۰۰۷۶۲۲۹۶۴۵');
    await expect(profile).toContainText('۰۹۱۲۱۱۱۱۱۱۱');
    // The birth date is Jalali with Persian digits (13xx or 14xx), not ISO.
    const birth = profile.locator('.summary-row', { hasText: fa.profile_birth_date }).locator('dd');
    await expect(birth).toHaveText(/^[۰-۹]{1,2} [^\d]+ ۱[۳۴][۰-۹]{2}$/);
    await expect(page.getByText(/ثبت احوال/)).toBeVisible();
    await expect(page.locator('.account-link')).toBeVisible();
    await expectAccessible(page);

    // The session cookie cannot be read by scripts nor sent cross-site.
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'panjere');
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');

    // A sign-out that does not reach the server (the connection drops,
    // and again when the app asks once more) is said, and the citizen stays
    // signed in: never told "signed out" while the session lives on.
    let dropped = 0;
    await page.route('**/api/auth/sign-out', (route) => {
      dropped += 1;
      return route.abort('connectionreset');
    });
    await page.locator('#sign-out').click();
    await expect(page.locator('#sign-out-failed')).toContainText(fa.sign_out_failed);
    expect(dropped, 'asked once more').toBe(2);
    await expect(page).toHaveURL(/\/me$/);
    expect((await (await page.request.get('/api/auth/session')).json()).me, 'still signed in, as the page says').not.toBeNull();
    await expectAccessible(page);
    await page.unroute('**/api/auth/sign-out');

    const signedOut = page.waitForResponse((r) => r.url().endsWith('/api/auth/sign-out'));
    await page.locator('#sign-out').click();
    expect((await signedOut).status(), 'the server signed the session out').toBe(204);
    await expect(page).toHaveURL(/\/sign-in\?reason=signed-out$/);
    await expect(page.getByText(fa.auth_signed_out_notice)).toBeVisible();
    // The cookie is cleared. A request the page had in flight across the
    // sign-out may write its session back (a cookie again), but that record
    // is never signed in (its sign-in was ended on the server): what counts
    // is that nothing signed in is left.
    const left = (await context.cookies()).filter((c) => c.name === 'panjere');
    const state = await (await page.request.get('/api/auth/session')).json();
    expect(left.length === 0 || state.me === null, `a cookie left signed in: ${JSON.stringify(state)}`).toBeTruthy();
    await page.goto('/me');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fme$/);
  });

  test('specific messages for bad input and for who may not sign in', async ({ page, request }) => {
    await page.goto('/sign-in');
    await page.getByRole('button', { name: fa.sign_in_send_code }).click();
    const summary = page.locator('#error-summary');
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('link', { name: fa.err_national_code_empty })).toHaveAttribute('href', '#national-code');
    await expect(summary.getByRole('link', { name: fa.err_mobile_empty })).toHaveAttribute('href', '#mobile');
    await expect(page.getByLabel(fa.sign_in_national_code, { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page);

    // Checked in the browser, before anything is sent.
    await page.getByLabel(fa.sign_in_national_code, { exact: true }).fill('0076229646');
    await page.getByLabel(fa.sign_in_mobile, { exact: true }).fill('0912');
    await page.getByRole('button', { name: fa.sign_in_send_code }).click();
    await expect(summary).toContainText(fa.err_national_code_check_digit);
    await expect(summary).toContainText(fa.err_mobile_format);

    // Refused by the server after asking the agencies: a minor.
    await page.getByLabel(fa.sign_in_national_code, { exact: true }).fill('0499370899');
    await page.getByLabel(fa.sign_in_mobile, { exact: true }).fill('09122222222');
    await page.getByRole('button', { name: fa.sign_in_send_code }).click();
    await expect(summary).toContainText(fa.err_person_minor);
    // A mobile line not in the person's name.
    await page.getByLabel(fa.sign_in_national_code, { exact: true }).fill('0023456787');
    await page.getByLabel(fa.sign_in_mobile, { exact: true }).fill('09125555555');
    await page.getByRole('button', { name: fa.sign_in_send_code }).click();
    await expect(summary).toContainText(fa.err_mobile_not_owned);
    expect(await outbox(request, '09122222222')).toEqual([]);
  });

  test('the idle-timeout warning appears, "stay signed in" keeps the session, then it ends', async ({ page, request }) => {
    // Sign-in, two fast-forwards and axe: past the default 30 s on a slow host.
    test.setTimeout(90_000);
    // The page's clock is driven by hand, by the portal's own timeouts (the
    // browser tests' portal: 150 s idle, a warning 120 s before the end).
    await page.clock.install();
    await page.goto('/sign-in?next=%2Fme');
    await signIn(page, request, '0034567811', '09125555555');
    await expect(page.locator('main h1')).toHaveText(fa.profile_title);
    const { idle_timeout_s: idle, warn_before_s: warn } = (await (await page.request.get('/api/me')).json()).session;
    const untilWarning = (idle - warn) * 1000 + 1000;
    const dialog = page.getByRole('dialog', { name: fa.timeout_title });
    await expect(dialog).toBeHidden();
    // Every signed-in answer restarts the idle clock (the server's too):
    // let the page's own calls (profile, inbox) finish before the idle time.
    await page.waitForLoadState('networkidle');

    await page.clock.fastForward(untilWarning);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: fa.timeout_stay })).toBeFocused();
    await expect(dialog).toContainText(fa.timeout_kept);
    await expectAccessible(page);
    await dialog.getByRole('button', { name: fa.timeout_stay }).click();
    await expect(dialog).toBeHidden();
    await expect(page.locator('main h1')).toHaveText(fa.profile_title);
    await page.waitForLoadState('networkidle');

    // No activity for the whole timeout: signed out, sent to sign in, and
    // told why; signing in again would come back here.
    await page.clock.fastForward(untilWarning);
    await expect(dialog).toBeVisible();
    // "Sign out" in the warning, when the server cannot be reached: said
    // there, and the citizen is still signed in (the warning stays).
    await page.route('**/api/auth/sign-out', (route) => route.abort('connectionreset'));
    await dialog.getByRole('button', { name: fa.sign_out }).click();
    await expect(dialog.getByRole('alert')).toContainText(fa.sign_out_failed);
    await expect(dialog).toBeVisible();
    await expect(page).toHaveURL(/\/me$/);
    await page.unroute('**/api/auth/sign-out');
    // Staying puts what failed away: the next warning does not repeat it.
    await dialog.getByRole('button', { name: fa.timeout_stay }).click();
    await expect(dialog).toBeHidden();
    await page.waitForLoadState('networkidle');
    await page.clock.fastForward(untilWarning);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('alert')).not.toContainText(fa.sign_out_failed);
    await page.clock.fastForward(warn * 1000 + 5000);
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fme&reason=idle$/);
    await expect(page.getByText(fa.auth_idle_signed_out)).toBeVisible();
    // The app signs out on the server in the background: wait for it.
    await expect.poll(async () => (await page.request.get('/api/me')).status()).toBe(401);
  });

  test('my sessions: another device is listed and signed out from here', async ({ browser, request }) => {
    const phone = devices['Pixel 7'];
    const first = await browser.newContext({ ...phone });
    const second = await browser.newContext({ ...devices['Desktop Chrome'] });
    const a = await first.newPage();
    const b = await second.newPage();
    await a.goto('/sign-in?next=%2Fme%2Fsessions');
    await signIn(a, request, '0045678121', '09126666666');
    await expect(a.locator('main h1')).toHaveText(fa.sessions_title);
    // Sessions an earlier run left on this portal are signed out first, as
    // the page itself would (same origin, JSON).
    const ended = await a.evaluate(async () =>
      (await fetch('/api/me/sessions', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    expect(ended).toBe(200);
    // A used code leaves no cooldown: the second device signs in at once.
    await b.goto('/sign-in?next=%2Fme');
    await signIn(b, request, '0045678121', '09126666666');
    await expect(b.locator('main h1')).toHaveText(fa.profile_title);

    await a.reload();
    const cards = a.locator('.session-card');
    await expect(cards).toHaveCount(2);
    await expect(a.locator('.session-card[data-current="true"]')).toContainText(fa.sessions_this_device);
    await expect(a.locator('.session-card[data-current="false"]')).toContainText('Chrome');
    await expectAccessible(a);
    await a.locator('.session-card[data-current="false"]').getByRole('button', { name: fa.sessions_sign_out_this }).click();
    await expect(a.getByText(fa.sessions_signed_out.replace('{n}', '۱'))).toBeVisible();
    await expect(cards).toHaveCount(1);

    await b.reload();
    await expect(b).toHaveURL(/\/sign-in\?next=%2Fme$/);
    await first.close();
    await second.close();
  });
});
