import { expect, expectAccessible, expectPaintedAsShown, fa, test } from './fixtures';
import { signIn } from './fixtures/auth';
import { payFee } from './fixtures/pay';


/**
 * Paying on a phone, as persona 0076229645 (used by no other browser test):
 * a fee cancelled on the payment provider's page leaves the application
 * waiting with nothing forwarded, then paid; a bill checked by its digits
 * as it is typed.
 */
test.describe('payments', () => {
  // A reader outside Iran (the browser's zone is not Iran's): times are
  // Iran's, painted by the server and written by the app alike.
  test.use({ timezoneId: 'Europe/Berlin' });
  test.beforeEach(({}, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'run on a phone viewport');
  });

  test('a cancelled payment leaves the application waiting; paying again forwards it', async ({ page, request, baseURL }) => {
    test.setTimeout(120_000);
    await page.goto('/sign-in?next=%2Frequests');
    await signIn(page, request, '0076229645', '09121111111');
    await expect(page).toHaveURL(/\/requests$/);
    // A passport application, through the API in this browser's session.
    const headers = { origin: baseURL! };
    const draft = await (
      await page.request.post('/api/drafts', { headers, data: { service: 'passport-issuance', values: { purpose: 'tourism' } } })
    ).json();
    const values = { purpose: 'tourism', travel_date: '۱۴۰۵/۰۹/۲۰', postal_code: '1314567891', mobile: '09121111111' };
    expect((await page.request.put(`/api/drafts/${draft.id}`, { headers, data: { values, step: 2 } })).ok()).toBeTruthy();
    const submitted = await (await page.request.post(`/api/drafts/${draft.id}/submit`, { headers, data: {} })).json();
    expect(submitted.status).toBe('awaiting_payment');

    await page.goto(`/requests/${submitted.id}`);
    await expect(page.locator('#fee-amount')).toContainText('ریال');
    await expectAccessible(page);
    await payFee(page, 'cancel');
    await expect(page.locator('#payment-state')).toContainText(fa.pay_lead_cancelled);
    await expectAccessible(page);
    // Nothing was forwarded: the request still waits for its fee.
    await page.locator('#pay-again').click();
    await expect(page.locator('#request-status')).toHaveText(fa.req_status_awaiting_payment);
    await expect(page.locator('#timeline li[data-status="forwarded"]')).toHaveCount(0);
    await expect(page.locator('#request-payments li[data-state="cancelled"]')).toBeVisible();
    // Its receipt painted by the server is the app’s, and so is the fee to pay (inert until the app runs).
    await expectPaintedAsShown(page, ['.receipt-top', '#pay-fee', '.receipt-payments', '.receipt-record'], undefined, true);

    // Paying again goes through, and the request goes on to the agency.
    await payFee(page);
    await page.goto(`/requests/${submitted.id}`);
    await expect(page.locator('#timeline li[data-status="forwarded"]')).toBeVisible({ timeout: 30_000 });
    await page.goto('/payments');
    await expect(page.locator('#payments li[data-state="success"]')).toHaveCount(1);
    await expect(page.locator('#payments li[data-state="cancelled"]')).toHaveCount(1);
    await expectAccessible(page);
    // The server painted the same list, card for card, before the app ran
    // (the app's own list here: the painted one is gone).
    await page.waitForFunction(() => !document.querySelector('.painted') && document.querySelector('#payments'));
    const painted = (await (await page.request.get('/payments')).text()).match(/<ul class="session-list" id="payments">(.*?)<\/ul>/)?.[1];
    expect(painted, 'the painted list').toContain('data-state="success"');
    // (Leptos's own markers aside.)
    expect(await page.locator('#payments').evaluate((e) => e.innerHTML.replace(/<!--.*?-->/g, ''))).toBe(painted);
  });

  test('a bill is checked by its digits as typed, then paid', async ({ page, request }) => {
    test.setTimeout(90_000);
    await page.goto('/sign-in?next=%2Fpay');
    await signIn(page, request, '0045678121', '09126666666');
    await expect(page).toHaveURL(/\/pay$/);
    await page.getByLabel(fa.bill_id).fill('1117753200140');
    await page.getByLabel(fa.payment_id).fill('13070160');
    await page.locator('#pay-bill-button').click();
    await expect(page.locator('#payment_id-error')).toHaveText(fa.bill_error_payment_id_check);
    await expectAccessible(page);
    await page.getByLabel(fa.payment_id).fill('۱۲۰۷۰۱۶۰');
    await expect(page.locator('#bill-amount')).toContainText('ریال');
    await page.locator('#pay-bill-button').click();
    await expect(page).toHaveURL(/\/pay\/[0-9a-f]+$/);
    await page.getByRole('button', { name: /Pay/ }).click();
    await expect(page).toHaveURL(/\/payments\/[0-9a-f]{32}$/);
    await expect(page.locator('#payment-state')).toHaveAttribute('data-state', 'success');
    await expect(page.locator('#receipt')).toContainText('1117753200140');
    // The receipt painted by the server is the app's.
    await expectPaintedAsShown(page, ['.receipt-top']);

    // The profile, on a direct visit: painted from one call to the registry,
    // which the app takes rather than calling it again (one use of the
    // citizen's data, not two), and the same as the app's.
    const uses = async () => ((await (await page.request.get('/api/me/data-use')).json()).items as unknown[]).length;
    const before = await uses();
    // Painted signed in, header too: the app starts from the session the
    // page carries rather than asking for it.
    const asked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/auth/session') asked.push(r.url());
    });
    const visit = await page.goto('/me');
    await expect(page.locator('#profile')).toContainText('۰۰۴۵۶۷۸۱۲۱');
    await expectPaintedAsShown(page, ['.profile-details'], await visit!.text());
    // The account link as the app renders it; the same links in the
    // navigation (the app adds the unread count to the inbox's, the last).
    const [painted, shown] = await page.evaluate((html) => {
      const parts = (root: ParentNode) => [
        root.querySelector('header .account-link')?.outerHTML.replace(/<!--.*?-->/g, ''),
        [...root.querySelectorAll('header .main-nav a')].map((a) => a.getAttribute('href')).join(' '),
      ];
      return [parts(new DOMParser().parseFromString(html, 'text/html')), parts(document)];
    }, await visit!.text());
    expect(shown, 'the header as painted').toEqual(painted);
    expect(painted[1]).toBe('/ /services /agencies /requests /inbox');
    await expect(page.locator('header .account-link')).not.toHaveAttribute('href', '/sign-in');
    await expect.poll(uses).toBe(before + 1);
    await page.waitForTimeout(1000);
    expect(await uses(), 'no second call').toBe(before + 1);
    expect(asked, 'who is signed in came with the page').toEqual([]);
  });
});
