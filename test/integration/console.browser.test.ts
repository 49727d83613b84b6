import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';
import { waitFor } from '../helpers/wait.js';
import { decMessage } from '../helpers/dec-message.js';
import { readDeliveryState } from '../../src/queues/delivery-state.js';
import { skipWithout } from '../helpers/tools.js';

/** Debian's chromium, or the one on PATH; undefined when the machine has none. */
function findChromium(): string | undefined {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    return (
      execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

const CHROMIUM = findChromium();
/** Screenshots for people to look at; the folder is not committed. */
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'console');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const TOKENS = {
  officer: 'duty-officer-token-0123456789',
  viewer: 'viewer-token-0123456789',
  erp: 'erp-token-0123456789',
};

// Without chromium the test says so and skips; under CI it must run, so it fails instead.
const skip = skipWithout(
  'web console in headless Chromium',
  CHROMIUM ? undefined : 'no chromium on this machine (apt-get install chromium)',
);
describe.skipIf(skip)('web console in headless Chromium', { timeout: 180_000 }, () => {
  let tg: TestGateway;
  let browser: Browser;
  let base: string;
  let deadId: string;
  let okId: string;

  const drop = (name: string, seq: string) => {
    mkdirSync(join(tg.dir, 'dec', 'inbox'), { recursive: true });
    writeFileSync(join(tg.dir, 'dec', 'inbox', name), decMessage(seq));
  };
  const idOf = (name: string) =>
    waitFor(
      `ledger record of ${name}`,
      () => tg.gateway.deps.ledger.findBySource('dec', name),
      Boolean,
      20_000,
    ) as Promise<string>;
  const statusOf = async (id: string) => (await tg.gateway.deps.ledger.get(id))!.status;
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const login = async (context: BrowserContext, token: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${base}/console/`);
    await page.fill('input[name=token]', token);
    await Promise.all([
      page.waitForURL(`${base}/console/`),
      page.click('#login button[type=submit]'),
    ]);
    return page;
  };

  beforeAll(async () => {
    if (!CHROMIUM)
      throw new Error(
        'CI=true but no chromium on this machine: the console test must run in CI (apt-get install chromium)',
      );
    mkdirSync(ARTIFACTS, { recursive: true });
    tg = await startTestGateway('console', testChannel('dec'), {
      // The first three sends are refused: the first message uses up its schedule (3 attempts) and is
      // dead; the breaker (5 failures) stays closed.
      sandbox: { failFirst: 3 },
      extra: `http: { host: 127.0.0.1, port: 0, tokens: [{ name: duty-officer, sha256: "${sha(TOKENS.officer)}", scopes: [operate, admin] }, { name: viewer, sha256: "${sha(TOKENS.viewer)}", scopes: [read-only] }, { name: erp, sha256: "${sha(TOKENS.erp)}", scopes: [receipts] }] }
retry: { schedule: "50ms*2", jitter: 0, maxAge: 1h }`,
    });
    base = tg.gateway.httpUrl!;
    drop('dead-one.xml', 'CONSOLEDEAD1');
    deadId = await idOf('dead-one.xml');
    await waitFor(
      'first message dead',
      () => statusOf(deadId),
      (s) => s === 'dead',
      30_000,
    );
    drop('报关单-ok.xml', 'CONSOLE00001');
    okId = await idOf('报关单-ok.xml');
    await waitFor(
      'receipts of the second message',
      () => tg.gateway.deps.ledger.get(okId),
      (r) => r?.status === 'closed' && Boolean(r.seqNo && r.entryId),
      30_000,
    );
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await tg?.close();
  });

  it('asks for a login, refuses an unknown token, and logs in with a configured one', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/console/messages`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await shot(page, '01-login');
    await page.fill('input[name=token]', 'not-a-token');
    await page.click('#login button[type=submit]');
    await expect(page.textContent('[role=alert]')).resolves.toContain('令牌无效');
    await page.fill('input[name=token]', TOKENS.officer);
    await Promise.all([
      page.waitForURL(`${base}/console/messages`),
      page.click('#login button[type=submit]'),
    ]);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'eport_console')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    await context.close();
  });

  it('finds the dropped message by file name, ClientSeqNo, 统一编号 and 报关单号, and shows its receipts', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await login(context, TOKENS.officer);
    await expect(page.textContent('#channels tr[data-channel=dec]')).resolves.toContain('正常');
    // The soft key's certificate (made for 30 days by the harness): subject and days left.
    await expect(page.textContent('#signers tr[data-signer=k]')).resolves.toMatch(
      /console 测试[\s\S]*剩 (29|30) 天/,
    );
    await expect(page.textContent('#alerts-title')).resolves.toBe('SLA 告警（0）');
    await expect(page.textContent('header #alert-count')).resolves.toBe('SLA 告警 0');
    await shot(page, '02-overview');

    const rec = (await tg.gateway.deps.ledger.get(okId))!;
    // The day it was accepted, in China time, finds it; the day before does not.
    const day = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    for (const [to, ids] of [
      [day(rec.createdAt), [okId]],
      [day(rec.createdAt - 24 * 3600_000), []],
    ] as const) {
      await page.goto(`${base}/console/messages`);
      await page.fill('#search input[name=q]', 'CONSOLE00001');
      await page.fill('#search-from', day(rec.createdAt - 24 * 3600_000));
      await page.fill('#search-to', to);
      await Promise.all([
        page.waitForURL(/\/console\/messages\?q=.*&to=/),
        page.click('#search button[type=submit]'),
      ]);
      expect(
        await page
          .locator('#messages tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-message'))),
      ).toEqual(ids);
    }
    for (const key of ['报关单-ok.xml', 'CONSOLE00001', rec.seqNo!, rec.entryId!]) {
      await page.goto(`${base}/console/messages`);
      await page.fill('#search input[name=q]', key);
      await Promise.all([
        page.waitForURL(/\/console\/messages\?q=/),
        page.click('#search button[type=submit]'),
      ]);
      expect(
        await page
          .locator('#messages tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-message'))),
      ).toEqual([okId]);
    }
    await Promise.all([
      page.waitForURL(`${base}/console/messages/${okId}`),
      page.click(`#messages a[href="/console/messages/${okId}"]`),
    ]);
    const receipts = await page.locator('#receipts tbody tr').allTextContents();
    // The sandbox answers with the import response and the business receipts, up to 结关.
    expect(receipts.length).toBeGreaterThanOrEqual(2);
    expect(receipts.join('\n')).toMatch(/结关/);
    await expect(page.textContent('#fields')).resolves.toContain(rec.entryId!);
    // A receipt downloads as the bytes customs sent.
    const href = await page.locator('#receipts a.download').first().getAttribute('href');
    const res = await page.request.get(`${base}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-disposition']).toMatch(/^attachment;/);
    expect((await res.body()).toString('utf8')).toMatch(
      /<\?xml|<DEC_RESULT|<DecImportResponse|<Dxp/,
    );
    await shot(page, '03-message');

    await Promise.all([
      page.waitForURL(`${base}/console/messages/${okId}`),
      page.click('header a[lang=en]'),
    ]);
    await expect(page.textContent('main h2')).resolves.toBe('Receipts');
    await expect(page.textContent('#fields')).resolves.toContain('closed');
    await shot(page, '04-message-en');
    await page.click('header a[lang=zh]');
    await expect(page.textContent('main h2')).resolves.toBe('回执');
    await context.close();
  });

  it('retries a dead message from the problems page; the retry is in its timeline and customs gets it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await login(context, TOKENS.officer);
    await page.goto(`${base}/console/problems`);
    const row = page.locator(`#dead tr[data-message="${deadId}"]`);
    await expect(row.textContent()).resolves.toContain('dead-one.xml');
    await shot(page, '05-dead');
    await Promise.all([
      page.waitForURL(`${base}/console/problems`),
      row.locator('form[data-action=retry] button').click(),
    ]);
    await expect(page.textContent('.flash.ok')).resolves.toContain('已重新排队发送');
    await waitFor(
      'retried message delivered',
      () => statusOf(deadId),
      (s) => s === 'closed',
      30_000,
    );
    expect(tg.sandbox.stats().byClientSeqNo.CONSOLEDEAD1).toMatchObject({ accepted: 1 });
    expect((await tg.gateway.deps.ledger.events(deadId)).map((e) => e.text)).toContain(
      'retry requested by console duty-officer',
    );
    await page.goto(`${base}/console/problems`);
    expect(await page.locator(`#dead tr[data-message="${deadId}"]`).count()).toBe(0);
    await context.close();
  });

  it('holds and releases the channel from the overview, recorded with the operator name; what waits meanwhile goes out after', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await login(context, TOKENS.officer);
    const row = page.locator('#channels tr[data-channel=dec]');
    await row.locator('input[name=reason]').fill('海关系统维护');
    await Promise.all([
      page.waitForURL(`${base}/console/`),
      row.locator('form[data-action=hold-channel] button').click(),
    ]);
    await expect(page.textContent('.flash.ok')).resolves.toContain('通道已暂停发送');
    expect(await row.locator('[data-held]').getAttribute('data-held')).toBe('1');
    const held = await readDeliveryState(tg.gateway.deps.redis, tg.gateway.deps.config);
    expect(held.heldChannels).toEqual([
      expect.objectContaining({
        channel: 'dec',
        by: 'console duty-officer',
        reason: '海关系统维护',
      }),
    ]);
    // A file dropped meanwhile is taken in and signed, and waits: the longest waiting are listed.
    drop('held-1.xml', 'CONSOLE00002');
    const heldId = await idOf('held-1.xml');
    await waitFor(
      'parked by the hold',
      () => tg.gateway.deps.ledger.events(heldId),
      (ev) => ev.some((e) => e.text.startsWith('not sent while channel dec is on hold')),
      30_000,
    );
    await page.goto(`${base}/console/problems`);
    expect(await page.locator(`#waiting tr[data-message="${heldId}"]`).count()).toBe(1);
    await page.goto(`${base}/console/`);
    await expect(row.textContent()).resolves.toContain('1 个报文等待');
    await shot(page, '06-channel-held');
    await Promise.all([
      page.waitForURL(`${base}/console/`),
      row.locator('form[data-action=release-channel] button').click(),
    ]);
    await expect(page.textContent('.flash.ok')).resolves.toContain('通道已恢复发送');
    expect(await row.locator('[data-held]').getAttribute('data-held')).toBe('0');
    expect(
      (await readDeliveryState(tg.gateway.deps.redis, tg.gateway.deps.config)).heldChannels,
    ).toEqual([]);
    await waitFor(
      'held message sent after the release',
      () => statusOf(heldId),
      (st) => st === 'closed',
      30_000,
    );
    expect(tg.sandbox.stats().byClientSeqNo.CONSOLE00002).toEqual({ submissions: 1, accepted: 1 });
    await context.close();
  });

  it('lists receipts nobody collected and mounts the queue board for the admin scope', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await login(context, TOKENS.officer);
    await page.goto(`${base}/console/receipts/unclaimed`);
    await expect(
      page.locator('table[data-feed=dec] tbody tr').count(),
    ).resolves.toBeGreaterThanOrEqual(2);
    await shot(page, '07-unclaimed');
    await page.goto(`${base}/console/queues`);
    await page.getByText('deliver', { exact: true }).first().waitFor({ timeout: 20_000 });
    await shot(page, '08-queue-board');
    await context.close();
  });

  it('a read-only token sees the pages but no actions, and is refused the actions and the board', async () => {
    const context = await browser.newContext();
    const page = await login(context, TOKENS.viewer);
    expect(await page.locator('#channels form').count()).toBe(0);
    expect(await page.locator('header a[href="/console/queues"]').count()).toBe(0);
    const board = await page.goto(`${base}/console/queues`);
    expect(board?.status()).toBe(403);
    const retry = await page.request.post(`${base}/console/messages/${okId}/retry`, {
      form: { _csrf: 'x', back: '/console/' },
    });
    expect(retry.status()).toBe(403);
    await context.close();
    // Without a session: forms are refused, pages send the browser to the login.
    const anon = await browser.newContext();
    const res = await anon.request.post(`${base}/console/channels/dec/hold`, {
      form: { reason: 'x' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(401);
    expect(
      (await readDeliveryState(tg.gateway.deps.redis, tg.gateway.deps.config)).heldChannels,
    ).toEqual([]);
    await anon.close();
  });
});
