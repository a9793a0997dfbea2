import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { ServiceHarness } from '../../c360/test/service-harness.js';
import { seedCustomers, type SeededCustomers } from './console-seed.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = process.cwd();
// Each run saves its screenshots under .data; SCREENSHOTS_DIR=docs/screenshots refreshes the README's.
const SCREENSHOTS = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? path.join('.data', 'screenshots'));
const ADMIN_KEY = 'e2e-console-admin-key-0123456789';

/** Waits for the page to show what a story expects, and says what it saw when it does not. */
async function until(what: string, check: () => Promise<{ ok: boolean; saw: unknown }>, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const { ok, saw } = await check();
    if (ok) return;
    last = saw;
    if (Date.now() > deadline) throw new Error(`Waited for ${what}; saw ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const visible = (locator: Locator) => locator.first().waitFor({ state: 'visible', timeout: 15000 });

function hasText(locator: Locator, expected: string | RegExp, options: { not?: boolean; timeoutMs?: number } = {}) {
  return until(
    `${locator} to ${options.not ? 'not ' : ''}show ${expected}`,
    async () => {
      const text =
        (await locator
          .first()
          .textContent({ timeout: 1000 })
          .catch(() => null)) ?? '';
      const found = typeof expected === 'string' ? text.includes(expected) : expected.test(text);
      return { ok: text !== '' && found !== Boolean(options.not), saw: text };
    },
    options.timeoutMs,
  );
}

function hasCount(locator: Locator, accept: (n: number) => boolean) {
  return until(`the count of ${locator}`, async () => {
    const n = await locator.count();
    return { ok: accept(n), saw: n };
  });
}

const haveBrowser = existsSync(CHROMIUM);
const isRoot = process.getuid?.() === 0;
if (!haveBrowser && !isRoot) {
  console.warn(
    `Skipped: the console's browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium); ` +
      '`npm test` installs it when run as root.',
  );
}

/** The console in a real browser (Debian's Chromium, headless) against the whole service on its own database. */
(haveBrowser || isRoot ? describe : describe.skip)('the web console in a browser', () => {
  const harness = new ServiceHarness(ADMIN_KEY);
  let browser: Browser;
  let seeded: SeededCustomers;
  const keys: Record<'agent' | 'analyst' | 'auditor', string> = { agent: '', analyst: '', auditor: '' };
  let page: Page;
  let problems: string[];
  /** Error answers a story provokes on purpose; the browser logs them as failed loads. */
  let provoked: number[];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: install it with apt-get install chromium (npm test does, as root)`,
      );
    }
    const { ensureConsoleBuilt } = (await import(path.join(ROOT, 'scripts', 'ensure-installed.mjs'))) as {
      ensureConsoleBuilt: () => void;
    };
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await harness.start();
    for (const role of ['agent', 'analyst', 'auditor'] as const) {
      const created = await harness.post('/v1/api-keys', { name: `${role} Ana`, role }).expect(201);
      keys[role] = created.body.key;
    }
    seeded = seedCustomers();
    const batch = await harness.post('/v1/touchpoints/batch', { touchpoints: seeded.touchpoints }).expect(202);
    expect(batch.body.rejected).toBe(0);
    await harness.caughtUp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await harness.stop();
  });

  beforeEach(async () => {
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      locale: 'en-GB',
      acceptDownloads: true,
    });
    page = await context.newPage();
    problems = [];
    // A search tries each reading of the text: the misses (404, or 400 for a text that is no phone) are expected.
    provoked = [400, 404];
    page.on('console', (message) => {
      const status = /status of (\d{3})/.exec(message.text())?.[1];
      if (message.type() === 'error' && !(status && provoked.includes(Number(status)))) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterEach(async () => {
    await page.context().close();
    expect(problems).toEqual([]);
  });

  async function signIn(key: string): Promise<void> {
    await page.goto(`${harness.service.url}/console`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });

  it('signs in with the keyboard alone and keeps the key out of the URL', async () => {
    await page.goto(`${harness.service.url}/console`);
    await page.getByLabel('API key').focus();
    await page.keyboard.type(keys.agent);
    await page.keyboard.press('Enter');
    await visible(page.getByLabel('Search customers'));
    expect(page.url()).not.toContain(keys.agent);
    expect(await page.evaluate("sessionStorage.getItem('c360.apiKey')")).toBe(keys.agent);
    await shot('sign-in-agent');
  });

  it('says so in words when the key is wrong', async () => {
    provoked.push(401);
    await signIn('c360_nope_wrong');
    await hasText(page.getByRole('alert'), /Wrong or revoked API key/);
  });

  it('finds a customer by a phone written differently, shows the 360 card and the timeline', async () => {
    await signIn(keys.agent);
    await page.getByLabel('Search customers').fill(seeded.lucia.phoneAsTyped);
    await page.keyboard.press('Enter');
    const card = page.locator('section.card');
    await hasText(card.getByRole('heading', { level: 2 }), seeded.lucia.name);
    await hasText(card, '+34612345678');
    await hasText(card, /case-.*-1/);
    await hasCount(card.locator('meter'), (n) => n === 5);
    const timeline = page.locator('ol.events > li');
    await hasText(timeline.first(), 'Inquiry: Sizes');
    expect(await timeline.count()).toBe(20);
    // Endless scrolling: the end of the list in view fetches the next page from the cursor.
    await timeline.last().scrollIntoViewIfNeeded();
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await hasCount(timeline, (n) => n > 20);
    await page.evaluate('window.scrollTo(0, 0)');
    await visible(page.getByRole('heading', { name: 'Cross-sell suggestions' }));
    await shot('agent');
  });

  it('records a complaint that shows on the timeline at once, and in the history as the agent', async () => {
    await signIn(keys.agent);
    await page.getByLabel('Search customers').fill(seeded.lucia.customerId);
    await page.keyboard.press('Enter');
    await visible(page.locator('section.card'));
    await page.getByLabel('Contact', { exact: true }).selectOption('complaint-opened');
    await page.getByLabel('Case id').fill('case-console-1');
    await page.getByLabel('Category').fill('product');
    await page.getByLabel('Text').fill('The zip of the rain jacket broke');
    await page.getByRole('button', { name: 'Record contact' }).click();
    await hasText(page.locator('ol.events > li').first(), 'The zip of the rain jacket broke');
    await visible(page.getByRole('status').filter({ hasText: 'Recorded' }));
    await harness.caughtUp();
    const history = await harness
      .get(`/v1/customers/${seeded.lucia.customerId}/history?type=ComplaintOpened`)
      .expect(200);
    const recorded = history.body.items.find((i: { data: { caseId: string } }) => i.data.caseId === 'case-console-1');
    expect(recorded.actor).toEqual({ kind: 'agent', id: 'agent Ana' });
  });

  it('shows the API’s reason next to the field at fault', async () => {
    await signIn(keys.agent);
    await page.getByLabel('Search customers').fill(seeded.lucia.customerId);
    await page.keyboard.press('Enter');
    await page.getByLabel('Contact', { exact: true }).selectOption('inquiry');
    await page.getByLabel('Text').fill('No subject given');
    await page.getByRole('button', { name: 'Record contact' }).click();
    await hasText(page.locator('#contact-subject-error'), /subject/);
    expect(await page.getByLabel('Subject').getAttribute('aria-invalid')).toBe('true');
  });

  it('draws the analytics charts with data, sorts the rankings and downloads a chart as CSV', async () => {
    await signIn(keys.analyst);
    await visible(page.getByRole('heading', { name: 'Analytics', level: 1 }));
    for (const title of [
      'Retention and churn',
      'Cohort retention',
      'Customer survival (Kaplan–Meier)',
      'Service impact on churn',
    ]) {
      const chart = page.locator(`.chart[data-chart="${title}"]`);
      await hasCount(chart.locator('svg path'), (n) => n >= 5);
    }
    const retention = page.locator('.chart[data-chart="Retention and churn"] svg');
    expect(await retention.locator('path').count()).toBeGreaterThan(5);
    const top = page.locator('.table-block').filter({ has: page.getByRole('heading', { name: 'Top customers' }) });
    await hasCount(top.locator('tbody tr'), (n) => n === 8);
    await top.getByRole('button', { name: 'Loyalty' }).click();
    await top.getByRole('button', { name: 'Loyalty' }).click();
    const scores = (await top.locator('tbody tr td:nth-child(3)').allTextContents()).map(Number);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV: Retention and churn' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('retention-and-churn.csv');
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('period,retentionRate,churnRate');
    expect(csv.length).toBeGreaterThan(6);
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).scrollIntoViewIfNeeded();
    await shot('analytics');
  });

  it('an analyst key cannot record contacts: the agent view is hidden and the console says so', async () => {
    provoked.push(403);
    await signIn(keys.analyst);
    await hasText(page.getByRole('note'), 'does not allow: Agent, Audit');
    expect(await page.getByRole('link', { name: 'Agent' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Record contact' }).count()).toBe(0);
    await page.goto(`${harness.service.url}/console/agent`);
    await visible(page.getByRole('heading', { name: 'Analytics', level: 1 }));
    expect(await page.getByLabel('Search customers').count()).toBe(0);
    const refused = await page.evaluate(async (key) => {
      const response = await fetch('/v1/touchpoints', {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({}),
      });
      return response.status;
    }, keys.analyst);
    expect(refused).toBe(403);
  });

  it('switches to Spanish and stays in Spanish after a reload', async () => {
    await signIn(keys.agent);
    await page.getByLabel('Language').selectOption('es');
    await visible(page.getByLabel('Buscar clientes'));
    await page.reload();
    await visible(page.getByRole('button', { name: 'Cerrar sesión' }));
    expect(await page.evaluate('document.documentElement.lang')).toBe('es');
    await page.getByLabel('Buscar clientes').fill(seeded.lucia.phoneAsTyped);
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'Cronología' }));
    await shot('agent-es');
  });

  it('shows an auditor the raw history, verifies the chain and the card as it was', async () => {
    await signIn(keys.auditor);
    await page.getByLabel('Search customers').fill(seeded.lucia.customerId);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Verify history' }).click();
    await hasText(page.getByRole('status').filter({ hasText: 'hash chain' }), 'intact');
    const slider = page.getByRole('slider');
    await hasText(page.locator('#state-heading'), /events\)/);
    await page.getByLabel('Time axis').selectOption('occurred');
    const heading = page.locator('#state-heading');
    const eventsShown = async () => Number(/\((\d+) events\)/.exec((await heading.textContent()) ?? '')?.[1]);
    await hasText(heading, /events\)/);
    const all = await eventsShown();
    await slider.focus();
    await page.keyboard.press('Home');
    await until('the card at the first instant', async () => {
      const n = await eventsShown();
      return { ok: n > 0 && n < all, saw: n };
    });
    await page.keyboard.press('End');
    await until('the card at the last instant', async () => {
      const n = await eventsShown();
      return { ok: n === all, saw: n };
    });
    await shot('audit');
  });

  it('shows the operator each projection and a rebuild running to the end', async () => {
    await signIn(ADMIN_KEY);
    await page.getByRole('link', { name: 'Operations' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'timeline' }) });
    await hasText(row, 'live');
    await row.getByRole('button', { name: 'Rebuild timeline' }).click();
    await visible(row.locator('progress'));
    await hasText(row, /done/, { timeoutMs: 60000 });
    await shot('operator');
  });
});
