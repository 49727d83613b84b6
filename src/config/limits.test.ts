import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load.js';

const yaml = (channels: string, extra = '') => `
signers: [{ name: k1, type: soft-key, key: ./k.pem }]
transports: [{ name: customs, type: http, url: "http://127.0.0.1:9/submit" }]
${extra}
channels:
${channels}
`;

describe('size limits and memory budget in the configuration', () => {
  it('gives each channel a size limit that fits its kind of declaration, and lets an intake or channel override it', () => {
    const { config, problems } = parseConfigText(
      yaml(`
  - { name: dec, dir: ./dec, signer: k1, transport: customs }
  - { name: erp, dir: ./erp, signer: k1, transport: customs, translator: enterprise, translation: { mapping: ./m.yaml } }
  - { name: mft, dir: ./mft, signer: k1, transport: customs, translator: manifest-xml }
  - { name: big, dir: ./big, signer: k1, transport: customs, maxBytes: 30000000 }
  - { name: own, dir: ./own, signer: k1, transport: customs, intake: [{ type: folder, maxBytes: 1000 }] }
`),
      '/etc/eport/gw.yaml',
      {},
    );
    expect(problems).toEqual([]);
    const limit = (name: string) => config!.channels.find((c) => c.name === name)!;
    expect(limit('dec').maxBytes).toBe(4 * 1024 * 1024);
    expect(limit('dec').intake[0]!.maxBytes).toBe(4 * 1024 * 1024);
    expect(limit('erp').maxBytes).toBe(10 * 1024 * 1024);
    expect(limit('mft').maxBytes).toBe(20 * 1024 * 1024);
    expect(limit('big').intake[0]!.maxBytes).toBe(30_000_000);
    expect(limit('own').intake[0]!.maxBytes).toBe(1000);
  });

  it('has a memory budget of 512 MB and input limits by default, both configurable', () => {
    const dflt = parseConfigText(
      yaml('  - { name: dec, dir: ./dec, signer: k1, transport: customs }'),
      '/x/gw.yaml',
      {},
    ).config!;
    expect(dflt.limits).toMatchObject({
      memoryBudgetMb: 512,
      maxFieldBytes: 8192,
      maxCells: 200_000,
    });
    const set = parseConfigText(
      yaml(
        '  - { name: dec, dir: ./dec, signer: k1, transport: customs }',
        'limits: { memoryBudgetMb: 256, maxRows: 10 }',
      ),
      '/x/gw.yaml',
      {},
    ).config!;
    expect(set.limits).toMatchObject({ memoryBudgetMb: 256, maxRows: 10, maxFieldBytes: 8192 });
  });
});
