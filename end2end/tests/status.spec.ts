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
