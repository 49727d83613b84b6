import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { BUSINESS_KEY_INDEX } from '../ledger-port.js';
import type { ArrivedReceipt } from '../names.js';
import { enterLane } from '../receipt-lane.js';
import { receiptProcessor } from './receipt-worker.js';
import { jobOf, stageHarness } from '../../../test/helpers/stage-harness.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../../test/helpers/redis.js';

const M1 = 'c'.repeat(32);

const decResult = (channel: string) =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<DEC_RESULT>
  <CUS_CIQ_NO>I20180000000000007</CUS_CIQ_NO>
  <CLIENT_SEQ_NO>C7</CLIENT_SEQ_NO>
  <ENTRY_ID>530120181000123457</ENTRY_ID>
  <NOTICE_DATE>2018-12-12T14:40:43</NOTICE_DATE>
  <CHANNEL>${channel}</CHANNEL>
  <NOTE>step ${channel}</NOTE>
</DEC_RESULT>`);

describe('receipt pages of one feed (real Redis for the lane, in-memory ledger)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('lane-order');
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('applies a later page after the page before it, even when a worker takes it first', async () => {
    const h = stageHarness();
    const deps = {
      ...h.deps,
      redis,
      config: { ...h.deps.config, redis: { ...h.deps.config.redis, prefix } },
    };
    await h.receive(M1, `<doc id="${M1}"/>`, 'a.xml');
    await h.ledger.bindKey(BUSINESS_KEY_INDEX, 'C7', M1);
    await h.ledger.advance(M1, 'sent', { stage: 'deliver', text: 'sent' });
    const arrived = async (channel: string): Promise<ArrivedReceipt> => ({
      receiptRef: await h.spool.put(decResult(channel)),
      source: 'feed',
      fileName: `${channel}.xml`,
    });
    const lane = { redis, prefix, name: 'feed' };
    await enterLane(lane, 'page-1');
    await enterLane(lane, 'page-2');
    const run = receiptProcessor(deps);
    const page = async (id: string, channel: string) =>
      run(jobOf({ id, data: { receipts: [await arrived(channel)], lane: 'feed' } }));
    const order: string[] = [];
    // Page 2 (R, released) is taken first; page 1 (P) only a moment later.
    const second = page('page-2', 'R').then(() => order.push('page-2'));
    await new Promise((r) => setTimeout(r, 100));
    const first = page('page-1', 'P').then(() => order.push('page-1'));
    await Promise.all([first, second]);
    expect(order).toEqual(['page-1', 'page-2']);
    const files = h.sink.list(h.channel.outbox).sort();
    expect(files).toEqual(['a.dec-result.01.xml', 'a.dec-result.02.xml']);
    const channelOf = (f: string): string | undefined =>
      /<CHANNEL>(\w)<\/CHANNEL>/.exec(h.sink.read(h.channel.outbox, f)?.toString() ?? '')?.[1];
    expect(files.map(channelOf)).toEqual(['P', 'R']);
    // Both are marked tried (a negative score), none is left waiting.
    const key = `${prefix}:receipt-lane:feed`;
    expect(Number(await redis.zscore(key, 'page-1'))).toBeLessThan(0);
    expect(Number(await redis.zscore(key, 'page-2'))).toBeLessThan(0);
  });
});
