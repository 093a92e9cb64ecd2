import { expect, expectAccessible, expectPaintedAsShown, fa, test } from './fixtures';
import { signIn } from './fixtures/auth';
import { backToRequest, payFee } from './fixtures/pay';

/** The simulated agencies' admin endpoint: a registry records a life event. */
const admin = process.env.PANJERE_AGENCIES_ADMIN_URL;
const auth = { authorization: `Bearer ${process.env.PANJERE_AGENCIES_ADMIN_KEY ?? 'dev-admin-key'}` };

/** This persona (adult, mobile matches) is used by no other signed-in browser test of the inbox. */
const PARENT = ['0078912342', '09129999999'] as const;
const NEWBORN_TITLE = 'تولد فرزندتان: شناسنامه، بیمه و وام فرزند در یک درخواست';

test.describe('smart services', () => {
  test.beforeEach(({}, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'run on a phone viewport');
    test.skip(!admin, 'needs PANJERE_AGENCIES_ADMIN_URL (set by cargo xtask test and by npm test)');
  });

  test('a child is born: the offer in the inbox, the pre-filled bundle accepted, each agency’s part; a zero-touch service decided at once', async ({ page, request }) => {
    test.setTimeout(180_000);
    await page.goto('/sign-in');
    await signIn(page, request, PARENT[0], PARENT[1]);

    // The civil registry records the birth; the window makes the offer.
    const born = await request.post(`${admin}/events/sabt-ahval`, { data: { kind: 'birth', person: PARENT[0] }, headers: auth });
    expect(born.status()).toBe(201);
    const event = await born.json();
    const offer = page.locator('#inbox a', { hasText: NEWBORN_TITLE }).first();
    await expect
      .poll(async () => {
        await page.goto('/inbox');
        await page.locator('#inbox, .empty').first().waitFor();
        return offer.count();
      }, { message: 'the offer reaches the inbox', timeout: 30_000 })
      .toBeGreaterThan(0);
    await expectAccessible(page);
    await offer.click();
    await expect(page).toHaveURL(/\/offers\/[0-9a-f]{32}$/);

    // Why, from whom, what was read and pre-filled.
    await expect(page.locator('main h1')).toHaveText(NEWBORN_TITLE);
    await expect(page.locator('#offer-because')).toContainText('ثبت تولد فرزند');
    await expect(page.locator('#offer-because')).toContainText('ثبت احوال');
    await expect(page.locator('#offer-reads')).toContainText('در قید حیات بودن والد، از ثبت احوال');
    const parts = page.locator('#offer-parts > li');
    await expect(parts).toHaveCount(3);
    await expect(parts.filter({ hasText: 'ثبت ولادت' })).toContainText(event.data.child_name);
    await expect(page.locator('#offer-status')).toHaveText(fa.offer_status_open);
    await expectAccessible(page);
    // On a direct visit the server paints what it is, why and what was
    // read, as the app renders it.
    const visit = await page.goto(page.url());
    await expect(parts).toHaveCount(3);
    await expectPaintedAsShown(page, ['.offer-top'], await visit!.text());

    // The one choice the registry cannot know; missing, it is asked for.
    await page.locator('#accept-offer').click();
    await expect(page.locator('#offer-error')).toHaveText(fa.offer_fix_fields);
    await page.getByLabel(/شهر شعبه پرداخت/).selectOption('tehran');
    await page.locator('#accept-offer').click();
    await expect(page.locator('#offer-status')).toHaveText(fa.offer_status_accepted);
    await expect(page.locator('#bundle-code')).toHaveText(/^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{4}$/);

    // Each agency's part, with its own request and status.
    const statuses = page.locator('#offer-parts [data-part-status]');
    await expect(statuses).toHaveCount(3);
    await expect
      .poll(async () => (await statuses.evaluateAll((els) => els.map((e) => e.getAttribute('data-part-status')))).every((s) => s !== 'submitted'), {
        message: 'every part reached its agency',
        timeout: 30_000,
      })
      .toBe(true);
    // One timeline for the whole journey, every agency's part in it.
    await page.reload();
    await expect(page.locator('#bundle-timeline li[data-status="forwarded"]')).toHaveCount(3);
    await expectAccessible(page);
    await parts.first().locator('a').click();
    await expect(page).toHaveURL(/\/requests\/[0-9a-f]{32}$/);
    await expect(page.locator('#timeline li[data-status="forwarded"]')).toBeVisible();

    // A zero-touch service: the decision is on the receipt at once.
    await page.goto('/services/first-aid-course');
    await page.locator('#use-service').click();
    await page.locator('#start-application').click();
    await expect(page).toHaveURL(/\/drafts\/[0-9a-f]{32}$/);
    await page.getByLabel(/^دوره/).selectOption('basic');
    await page.getByLabel(/^استان/).selectOption('tehran');
    await page.locator('#continue').click();
    await expect(page.locator('main h1')).toHaveText(fa.apply_review_title);
    await page.locator('#submit-application').click();
    await expect(page).toHaveURL(/\/requests\/[0-9a-f]{32}\?new=1$/);
    // Its fee first; then the decision is on the request at once.
    await payFee(page);
    await backToRequest(page);
    await expect(page.locator('#timeline li[data-status="approved"]')).toBeVisible({ timeout: 5_000 });
    await expect(page.locator('#agency-messages')).toContainText('RED-CRESCENT-DOC-');
  });
});
