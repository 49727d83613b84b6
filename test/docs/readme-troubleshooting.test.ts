import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/process.js';
import { ERRORS } from '../../src/core/errors.js';
import { configSchema } from '../../src/config/schema.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Troubleshooting'),
  readme.indexOf('\n## ', readme.indexOf('## Troubleshooting') + 5),
);

/** The troubleshooting section covers what a new user hits first, and names only things that exist. */
describe('README troubleshooting', () => {
  it.each([
    ['a port in use', /EADDRINUSE/],
    ['Redis refusing (eviction policy)', /GW_ERR_REDIS_EVICTION[^\n]*noeviction/],
    ['receipts not arriving: the feed cursor', /Receipts do not arrive[^\n]*cursor/],
    [
      'receipts not arriving: the SLA',
      /Receipts do not arrive[^\n]*receiptSlaMs[^\n]*GW_ALERT_NO_RECEIPT/,
    ],
    ['a card not found', /Card not found[^\n]*pcsc_scan/],
    ['starting again from clean', /\*\*Starting again from clean\.\*\*/],
    ['a bad configuration', /GW_ERR_CONFIG[^\n]*config check --config/],
  ])('covers %s', (_what, pattern) => {
    expect(section).toMatch(pattern);
  });

  it('names only error codes of the catalogue', () => {
    const codes = [...section.matchAll(/\bGW_ERR_[A-Z0-9_]+/g)].map((m) => m[0]);
    expect(codes.length).toBeGreaterThan(5);
    for (const code of codes) expect(Object.keys(ERRORS), code).toContain(code);
  });

  it('gives the ports, keys and defaults the code uses', () => {
    const defaults = configSchema.parse({
      signers: [{ name: 'k', type: 'soft-key', key: 'k.pem' }],
      transports: [{ name: 't', type: 'http', url: 'http://x/' }],
      channels: [{ name: 'c', dir: 'c', signer: 'k', transport: 't' }],
    });
    expect(section).toContain(`:${defaults.http.port}`);
    expect(section).toContain(`(default \`${defaults.channels[0]!.receiptSlaMs}\`)`);
    expect(readFileSync(join(ROOT, 'src', 'cli', 'sandbox-command.ts'), 'utf8')).toMatch(
      /--port <port>'.*'8471'/,
    );
    expect(section).toContain('The sandbox uses 8471');
    // The receipt feed cursor key, as the receipt source registry builds it.
    expect(
      readFileSync(join(ROOT, 'src', 'receipts', 'receipt-source-registry.ts'), 'utf8'),
    ).toContain('`${prefix}:cursor:${r.name}`');
    expect(section).toContain('`<prefix>:cursor:<receipt source name>`');
    for (const key of ['http.port', 'redis.prefix', 'redis.url', 'dataDir', 'receiptSlaMs'])
      expect(section).toContain(key);
  });
});
