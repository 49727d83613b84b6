import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load.js';

const config = (transport: string, source: string) => `
signers: [{ name: k1, type: soft-key, key: ./k.pem }]
transports: [${transport}]
receiptSources: [${source}]
channels: [{ name: declaration, dir: ./declaration, signer: k1, transport: mq }]
`;

describe('AMQP config', () => {
  it('reads the URL from the environment, fills the defaults and converts durations', () => {
    const { config: c, problems } = parseConfigText(
      config(
        '{ name: mq, type: amqp, url: { env: EPORT_AMQP_URL }, exchange: eport.customs, routingKey: submit, confirmTimeoutMs: 5s }',
        '{ name: back, type: amqp, url: { env: EPORT_AMQP_URL }, queue: eport.customs.receipts }',
      ),
      '/etc/eport/gw.yaml',
      { EPORT_AMQP_URL: 'amqp://gw:s3cret@mq.example.internal:5672/customs' },
    );
    expect(problems).toEqual([]);
    expect(c!.transports[0]).toEqual({
      name: 'mq',
      type: 'amqp',
      url: 'amqp://gw:s3cret@mq.example.internal:5672/customs',
      exchange: 'eport.customs',
      routingKey: 'submit',
      mandatory: true,
      connectTimeoutMs: 10_000,
      confirmTimeoutMs: 5000,
    });
    expect(c!.receiptSources[0]).toEqual({
      name: 'back',
      type: 'amqp',
      url: 'amqp://gw:s3cret@mq.example.internal:5672/customs',
      queue: 'eport.customs.receipts',
      prefetch: 20,
      connectTimeoutMs: 10_000,
    });
  });

  it('refuses a URL written into the config, a missing variable and a URL that is not amqp://', () => {
    const inline = parseConfigText(
      config(
        '{ name: mq, type: amqp, url: "amqp://gw:pw@h", exchange: x, routingKey: k }',
        '{ name: b, type: amqp, url: { env: U }, queue: q }',
      ),
      '/x.yaml',
      { U: 'amqp://h' },
    );
    expect(inline.problems.map((p) => p.path)).toContain('transports[0].url');
    const missing = parseConfigText(
      config(
        '{ name: mq, type: amqp, url: { env: NOPE }, exchange: x, routingKey: k }',
        '{ name: b, type: amqp, url: { env: NOPE }, queue: q }',
      ),
      '/x.yaml',
      {},
    );
    expect(missing.problems.map((p) => p.path)).toEqual([
      'transports[0].url',
      'receiptSources[0].url',
    ]);
    const http = parseConfigText(
      config(
        '{ name: mq, type: amqp, url: { env: U }, exchange: x, routingKey: k }',
        '{ name: b, type: amqp, url: { env: U }, queue: q }',
      ),
      '/x.yaml',
      { U: 'http://h' },
    );
    expect(http.problems.map((p) => p.path)).toEqual([
      'transports[0].url',
      'receiptSources[0].url',
    ]);
    expect(http.problems[0]!.fix).toContain('amqp://');
    const prefetch = parseConfigText(
      config(
        '{ name: mq, type: amqp, url: { env: U }, exchange: x, routingKey: k }',
        '{ name: b, type: amqp, url: { env: U }, queue: q, prefetch: 0 }',
      ),
      '/x.yaml',
      { U: 'amqp://h' },
    );
    expect(prefetch.problems.map((p) => p.path)).toEqual(['receiptSources[0].prefetch']);
  });
});
