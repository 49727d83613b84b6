import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from './load.js';

const BASE = `
signers: [{ name: k1, type: soft-key, key: ./k.pem }]
transports: [{ name: customs, type: http, url: "http://127.0.0.1:9/submit" }]
`;
const channel = (extra = ''): string =>
  `channels: [{ name: declaration, dir: ./declaration, signer: k1, transport: customs${extra} }]\n`;
const HASH = 'a'.repeat(64);

describe('config: HTTP API and receipt forms', () => {
  it('defaults: outbox receipts as customs XML, rate limit, load shedding, no TLS; tokens keep every scope unless given some', () => {
    const text = `${BASE}${channel()}http: { tokens: [{ name: old, sha256: ${HASH} }, { name: erp, sha256: ${'b'.repeat(64)}, scopes: [receipts] }] }\n`;
    const { config, problems } = parseConfigText(text, '/etc/eport/gw.yaml', {});
    expect(problems).toEqual([]);
    expect(config!.channels[0]).toMatchObject({ receiptForm: 'xml' });
    expect(config!.http).toMatchObject({
      rateLimit: { max: 600, windowMs: 60_000 },
      maxEventLoopDelayMs: 1000,
      maxWaitSeconds: 60,
    });
    expect(config!.http.tls).toBeUndefined();
    expect(config!.http.tokens.map((t) => t.scopes)).toEqual([undefined, ['receipts']]);
  });

  it('refuses unknown scopes, duplicate token names and a mapping form without a mapping', () => {
    const text = `${BASE}${channel(', receiptForm: mapping')}http: { tokens: [{ name: a, sha256: ${HASH}, scopes: [everything] }, { name: a, sha256: ${HASH} }] }\n`;
    const { problems } = parseConfigText(text, '/etc/eport/gw.yaml', {});
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('http.tokens[0].scopes[0]');
    expect(paths).toContain('channels[0].receiptMapping');
    const dup = parseConfigText(
      `${BASE}${channel()}http: { tokens: [{ name: a, sha256: ${HASH} }, { name: a, sha256: ${HASH} }] }\n`,
      '/etc/eport/gw.yaml',
      {},
    );
    expect(dup.problems).toEqual([
      expect.objectContaining({
        path: 'http.tokens',
        message: expect.stringMatching(/duplicate token name "a"/),
      }),
    ]);
  });

  it('resolves the receipt mapping path and reads the TLS files and key secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-tls-config-'));
    try {
      writeFileSync(join(dir, 'server.pem'), 'CERT');
      writeFileSync(join(dir, 'ca.pem'), 'CA');
      const text = `${BASE}${channel(', receiptForm: mapping, receiptMapping: ./maps/r.yaml')}http: { tls: { cert: ./server.pem, key: { env: API_KEY }, clientCa: ./ca.pem } }\n`;
      const { config, problems } = parseConfigText(text, join(dir, 'gw.yaml'), { API_KEY: 'KEY' });
      expect(problems).toEqual([]);
      expect(config!.channels[0]!.receiptMapping).toBe(join(dir, 'maps', 'r.yaml'));
      expect(config!.http.tls).toEqual({ cert: 'CERT', key: 'KEY', clientCa: 'CA' });
      const missing = parseConfigText(
        text.replace('./ca.pem', './none.pem'),
        join(dir, 'gw.yaml'),
        { API_KEY: 'KEY' },
      );
      expect(missing.problems.map((p) => p.path)).toEqual(['http.tls.clientCa']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
