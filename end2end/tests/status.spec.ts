import { expect, expectAccessible, fa, test } from './fixtures';

/** The simulated agencies' admin endpoint (fault injection). */
const admin = process.env.PANJERE_AGENCIES_ADMIN_URL;
const auth = { authorization: `Bearer ${process.env.PANJERE_AGENCIES_ADMIN_KEY ?? 'dev-admin-key'}` };

test.describe('agency status', () => {
  // One agency is taken down: run it on one viewport so projects do not collide.
  test('the status page shows an agency going down and coming back', async ({ page, request }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'changes shared simulator state; run once');
    test.skip(!admin, 'needs PANJERE_AGENCIES_ADMIN_URL (set by cargo xtask test and by npm test)');
    test.setTimeout(90_000);
    await page.goto('/status');
    await expect(page.locator('main h1')).toHaveText(fa.status_title);
    const agency = page.locator('tr[data-agency="meteorology"] [data-col="state"] .badge');
    const connection = page.locator('tr[data-agency="meteorology"] [data-col="connected"] .badge');
    await expect(agency).toHaveText(fa.status_up, { timeout: 20_000 });
    await expect(connection).toHaveText(fa.status_connected);
    await expectAccessible(page);
    try {
      const down = await request.put(`${admin}/faults/meteorology`, { data: { refuse: true }, headers: auth });
      expect(down.status()).toBe(200);
      // the gateway's probes fail, its breaker for the meteorological organisation opens: the page says so by itself
      await expect(agency).toHaveText(fa.status_down, { timeout: 30_000 });
      await expect(connection).toHaveText(fa.status_not_connected);
      await expect(page.locator('tr[data-agency="customs"] [data-col="state"] .badge')).toHaveText(fa.status_up);
    } finally {
      const up = await request.delete(`${admin}/faults/meteorology`, { headers: auth });
      expect(up.status()).toBe(204);
    }
    await expect(agency).toHaveText(fa.status_up, { timeout: 30_000 });
    await expect(connection).toHaveText(fa.status_connected);
  });

  test('an agency whose description no longer matches is shown not connected, and why', async ({ page, request }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'changes shared simulator state; run once');
    test.skip(!admin, 'needs PANJERE_AGENCIES_ADMIN_URL (set by cargo xtask test and by npm test)');
    test.setTimeout(90_000);
    await page.goto('/status');
    const row = page.locator('tr[data-agency="veterinary"]');
    await expect(row.locator('[data-col="connected"] .badge')).toHaveText(fa.status_connected, { timeout: 20_000 });
    try {
      const drift = await request.put(`${admin}/faults/veterinary`, { data: { drift: true }, headers: auth });
      expect(drift.status()).toBe(200);
      await expect(row.locator('[data-col="connected"] .badge')).toHaveText(fa.status_not_connected, { timeout: 30_000 });
      await expect(row.locator('.problems')).toContainText('is not in the agency\'s description');
      await expect(row.locator('[data-col="state"] .badge')).toHaveText(fa.status_up);
      await expectAccessible(page);
      // Its services are no longer counted as offered, and the dashboard says why.
      await page.goto('/dashboard');
      await expect(page.locator('#claims tr[data-service="pet-vaccination"]')).toContainText(fa.gap_agency_not_connected.replace('{subject}', 'سازمان دامپزشکی کشور'));
    } finally {
      const fixed = await request.delete(`${admin}/faults/veterinary`, { headers: auth });
      expect(fixed.status()).toBe(204);
    }
  });
});

test.describe('agency status, refreshed', () => {
  // The page's own requests, not the service worker's, are the ones routed.
  test.use({ serviceWorkers: 'block' });

  test('a refresh redraws only what changed, and one that fails is said', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'the refresh does not depend on the viewport');
    test.setTimeout(60_000);
    type Report = { checked_at: string; agencies: { id: string; state: string }[] };
    // One report, answered again and again with a later time of its own
    // (the agency watched is up or down as the test says, whatever other
    // tests do to the simulators meanwhile).
    let report: Report | undefined;
    let answers = 0;
    let down = false;
    await page.route('**/api/status', async (route) => {
      report ??= (await (await route.fetch()).json()) as Report;
      answers += 1;
      const checked_at = new Date(Date.parse(report.checked_at) + answers * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const agencies = report.agencies.map((a) => (a.id === 'sport-ministry' ? { ...a, state: down ? 'down' : 'up' } : a));
      await route.fulfill({ json: { ...report, checked_at, agencies } });
    });
    await page.goto('/status');
    const row = page.locator('tr[data-agency="sport-ministry"]');
    const state = row.locator('[data-col="state"] .badge');
    await expect(state).toHaveText(fa.status_up);
    const mark = () => row.evaluate((el) => ((el as HTMLElement & { drawnOnce?: boolean }).drawnOnce = true));
    const marked = () => row.evaluate((el) => (el as HTMLElement & { drawnOnce?: boolean }).drawnOnce === true);
    await mark();
    const checked = page.locator('[data-checked]');
    const first = (await checked.textContent()) ?? '';
    // Two answers later: the time is new, the rows are the ones drawn first.
    await expect(checked).not.toHaveText(first, { timeout: 10_000 });
    const second = (await checked.textContent()) ?? '';
    await expect(checked).not.toHaveText(second, { timeout: 10_000 });
    expect(await marked()).toBe(true);
    // A change is drawn: the cell that changed, in the row that was there.
    await state.evaluate((el) => ((el as HTMLElement & { drawnOnce?: boolean }).drawnOnce = true));
    down = true;
    await expect(state).toHaveText(fa.status_down, { timeout: 10_000 });
    expect(await state.evaluate((el) => (el as HTMLElement & { drawnOnce?: boolean }).drawnOnce === true)).toBe(false);
    expect(await marked()).toBe(true);
    // No answer: the figures stay, and the page says it keeps trying.
    await page.unroute('**/api/status');
    await page.route('**/api/status', (route) => route.abort('internetdisconnected'));
    await expect(checked).toContainText(fa.status_refresh_failed, { timeout: 10_000 });
    await expect(state).toHaveText(fa.status_down);
    await expectAccessible(page);
    await page.unroute('**/api/status');
    await expect(checked).not.toContainText(fa.status_refresh_failed, { timeout: 10_000 });
    await expect(state).toHaveText(fa.status_up, { timeout: 10_000 });
  });
});
