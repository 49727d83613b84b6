import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCodeTables } from '../codes/code-tables.js';
import { createTranslator, translateAll } from '../index.js';
import { ManifestTranslator } from './manifest-translator.js';
import { loadManifestMapping } from './mapping.js';

const SAMPLES = 'samples/manifest';
const t = new ManifestTranslator({
  mapping: loadManifestMapping(join(SAMPLES, 'mt1101-sea.yaml')),
  codes: loadCodeTables(),
});
const input = (): string => readFileSync(join(SAMPLES, 'mt1101-sea.csv'), 'utf8');
const ctx = { channel: 'test', fileName: 'm.csv' };

async function rules(text: string): Promise<string[]> {
  try {
    await t.translate(Buffer.from(text), ctx);
  } catch (e) {
    return ((e as { details?: { rule: string }[] }).details ?? []).map((d) => d.rule);
  }
  throw new Error('expected a refusal');
}

describe('manifest MT1101 translator', () => {
  it('matches the golden file; businessKey is the MessageID', async () => {
    const [m] = await translateAll(
      createTranslator('manifest', { mapping: join(SAMPLES, 'mt1101-sea.yaml') }),
      readFileSync(join(SAMPLES, 'mt1101-sea.csv')),
      { channel: 'test', fileName: 'mt1101-sea.csv' },
    );
    expect(m!.xml).toBe(readFileSync(join(SAMPLES, 'expected/mt1101-sea.xml'), 'utf8'));
    expect(m!.businessKey).toBe('CN_MT1101_1p0_4201101115245_20261127101500123');
    expect(m!.messageType).toBe('MT1101');
  });

  it.each([
    [
      'SendTime not 17 digits',
      (s: string) => s.replace(',20261127101500123,', ',202611271015,'),
      'format',
    ],
    [
      'container check digit',
      (s: string) => s.replace('MSCU1234566', 'MSCU1234565'),
      'container-check',
    ],
    ['gross weight 0', (s: string) => s.replace(',15800.5,', ',0,'), 'positive'],
    [
      'duplicate bill number',
      (s: string) => s.replace('COSU6123456781,HB001', 'COSU6123456780,'),
      'duplicate-bill',
    ],
    ['unknown record type', (s: string) => s.replace('\nB,', '\nX,'), 'record-type'],
  ])('refuses %s', async (_n, edit, rule) => {
    expect(await rules(edit(input()))).toContain(rule);
  });

  it('refuses a bad SenderID from the mapping', async () => {
    const bad = new ManifestTranslator({
      mapping: {
        ...t['options'].mapping,
        mapping: {
          ...t['options'].mapping.mapping,
          blocks: {
            ...t['options'].mapping.mapping.blocks,
            Head: {
              from: 'head',
              fields: {
                ...t['options'].mapping.mapping.blocks['Head']!.fields,
                SenderID: { const: '42011' },
              },
            },
          },
        },
      },
      codes: loadCodeTables(),
    });
    await expect(bad.translate(Buffer.from(input()), ctx)).rejects.toMatchObject({
      details: [expect.objectContaining({ field: 'Head.SenderID' })],
    });
  });
});
