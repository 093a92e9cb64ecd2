import { readFileSync } from 'node:fs';
import { appReady, en, expect, expectAccessible, fa, test } from './fixtures';

/** Persian or Western digits (with grouping) as a number. */
function number(text: string): number {
  const western = text.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))).replace(/[٬,\s]/g, '');
  return Number(western);
}

/** One RFC 4180 line (these files have no line breaks inside cells). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' && quoted && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  out.push(cell);
  return out;
}

test.describe('accountability dashboard', () => {
  test('the parts far below the fold are built but not laid out until the reader comes near', async ({ page, request }, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'far below the fold on a phone; a desktop screen reaches further');
    await page.goto('/dashboard');
    const rows = page.locator('.agency-stats tbody tr');
    await expect(rows.first()).toBeAttached();
    // The rows are there (find-in-page and the accessibility tree have
    // them), but the browser skips their layout while they are far away:
    // laying the 70-odd rows out was the page's longest task on a phone.
    const skipped = (selector: string) =>
      page.locator(selector).first().evaluate((e) => !e.checkVisibility({ contentVisibilityAuto: true }));
    expect(await skipped('.agency-stats')).toBe(true);
    expect(await skipped('#claims > :not(h2)')).toBe(true);
    // The table's fields are always laid out (the table beside them is not).
    expect(await skipped('#dash-filter')).toBe(false);
    // The long tables are drawn a few rows a task, each few a body of
    // their own (one body of them all was one long task on a phone).
    const stats = await (await request.get('/api/stats')).json();
    await expect(rows).toHaveCount(stats.agencies.length);
    const perBody = await page.locator('.agency-stats tbody').evaluateAll((bodies) => bodies.map((b) => b.children.length));
    expect(perBody.length).toBeGreaterThan(1);
    expect(Math.max(...perBody)).toBeLessThanOrEqual(15);
    await expect(page.locator('#claims tbody tr')).toHaveCount(stats.differences.length);
    expect(await page.locator('#claims tbody').count()).toBeGreaterThan(1);
    await page.locator('#dash-table').scrollIntoViewIfNeeded();
    await expect.poll(() => skipped('.agency-stats')).toBe(false);
  });

  test('renders the figures, chart and targets, in Persian, without overflowing a phone', async ({ page, request }) => {
    const stats = await (await request.get('/api/stats')).json();
    await page.goto('/dashboard');
    await expect(page.locator('main h1')).toHaveText(fa.dash_title);
    // Headline figures, with Persian digits.
    const connected = page.locator('[data-figure="connected"] .figure');
    await expect(connected).toContainText('٪');
    await expect(connected).toHaveText(/[۰-۹]/);
    await expect(page.locator('[data-figure="requests"] .figure')).toHaveText(/^[۰-۹٬]+$/);
    // The chart is an image with a title and a description, and the same
    // figures are a table.
    const chart = page.getByRole('img', { name: fa.dash_stages_title });
    await expect(chart).toBeVisible();
    await expect(page.locator('#stage-chart-desc')).toContainText(fa.stage_0);
    const stageRows = page.locator('.stage-table tbody tr');
    await expect(stageRows).toHaveCount(5);
    for (const s of stats.stages) {
      await expect(stageRows.nth(s.stage).locator('td')).toHaveText(new RegExp(`^${s.agencies.toLocaleString('fa-IR')}$`));
    }
    // One progress bar per target, with the deadline in the Jalali calendar.
    await expect(page.getByRole('progressbar')).toHaveCount(4);
    await expect(page.locator('[data-target="offered_third"]')).toContainText('شهریور ۱۴۰۱');
    await expect(page.locator('[data-target="smart"]')).toContainText(fa.dash_target_no_due);
    // Every agency has a row.
    await expect(page.locator('.agency-stats tbody tr')).toHaveCount(stats.agencies.length);
    // Nothing but the table's own scrolling region is wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page);
  });

  test('the agency table sorts and filters', async ({ page, request }) => {
    const stats = await (await request.get('/api/stats')).json();
    await page.goto('/dashboard');
    await appReady(page);
    const rows = page.locator('.agency-stats tbody tr');
    // The rows come a few at a time (a body each): wait for them all.
    const total = stats.agencies.length;
    await expect(rows).toHaveCount(total);
    const heading = page.locator('th[data-sort="services"]');
    await heading.getByRole('button').click();
    await expect(heading).toHaveAttribute('aria-sort', 'descending');
    const down = (await page.locator('.agency-stats td[data-col="services"]').allInnerTexts()).map(number);
    expect(down.length).toBe(total);
    expect(down).toEqual([...down].sort((a, b) => b - a));
    await heading.getByRole('button').click();
    await expect(heading).toHaveAttribute('aria-sort', 'ascending');
    const up = (await page.locator('.agency-stats td[data-col="services"]').allInnerTexts()).map(number);
    expect(up).toEqual([...up].sort((a, b) => a - b));
    await expect(page.locator('th[data-sort="stage"]')).toHaveAttribute('aria-sort', 'none');

    // Filters: a stage (stages are measured live: read how many are at one), then a name typed with an Arabic kaf.
    const stage = stats.stages.find((s: { agencies: number }) => s.agencies > 0 && s.agencies < total);
    await page.getByLabel(fa.dash_filter_stage, { exact: true }).selectOption(String(stage.stage));
    await expect(rows).toHaveCount(stage.agencies);
    await page.getByLabel(fa.dash_filter_stage, { exact: true }).selectOption('');
    await page.getByLabel(fa.dash_filter_label, { exact: true }).fill('گمرك');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-agency', 'customs');
    await page.getByLabel(fa.dash_filter_label, { exact: true }).fill('هیچ‌دستگاهی');
    await expect(page.getByText(fa.dash_no_match)).toBeVisible();
  });

  test('the CSV download matches the API', async ({ page, request }) => {
    await page.goto('/dashboard');
    await appReady(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^panjere-agencies-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const lines = text.split('\r\n').filter((l) => l.length > 0);
    const header = cells(lines[0]);
    const stats = await (await request.get('/api/stats')).json();
    expect(lines.length - 1).toBe(stats.agencies.length);
    const col = (name: string) => header.indexOf(name);
    for (const [i, a] of stats.agencies.entries()) {
      const row = cells(lines[i + 1]);
      expect(row[col('id')]).toBe(a.id);
      expect(row[col('name_en')]).toBe(a.name.en);
      expect(Number(row[col('stage')])).toBe(a.stage);
      expect(Number(row[col('services')])).toBe(a.counts.services);
      expect(row[col('offered_percent')]).toBe(a.offered_percent === null ? '' : String(a.offered_percent));
      const verdict = a.verdicts.find((v: { target: string }) => v.target === 'fully_electronic').verdict;
      expect(row[col('fully_electronic_target')]).toBe(verdict);
    }
    // The schema names the same columns.
    const pkg = await (await request.get('/api/stats/datapackage.json')).json();
    expect(pkg.resources[0].schema.fields.map((f: { name: string }) => f.name)).toEqual(header);
  });

  test('in English: Western digits and Gregorian dates', async ({ page }) => {
    await page.goto('/dashboard');
    await appReady(page);
    await page.getByRole('button', { name: fa.switch_language_label }).click();
    await expect(page.locator('main h1')).toHaveText(en.dash_title);
    await expect(page.locator('[data-target="offered_third"]')).toContainText('22 September 2022');
    await expect(page.locator('[data-figure="connected"] .figure')).toHaveText(/^[0-9.]+%$/);
    await expectAccessible(page);
  });
});
