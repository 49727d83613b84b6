import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../core/errors.js';
import { createTranslator } from './factory.js';
import { translateAll, type Translator } from './translator.js';

/**
 * Golden tests: every enterprise sample in samples/enterprise becomes, byte for byte, the
 * DecMessage in samples/enterprise/expected (rendered by the sample generator from the same data
 * as samples/declaration, not by the translator).
 */
const dir = join(import.meta.dirname, '..', '..', 'samples', 'enterprise');
const MAPPING: Record<string, string> = {
  csv: 'mapping-zh.yaml',
  xlsx: 'mapping-zh.yaml',
  json: 'mapping-json.yaml',
  xml: 'mapping-xml.yaml',
};
const translators = new Map<string, Translator>();
function translatorFor(file: string): Translator {
  const mapping = MAPPING[file.split('.').pop()!]!;
  let t = translators.get(mapping);
  if (!t) {
    t = createTranslator('enterprise', { mapping: join(dir, mapping) });
    translators.set(mapping, t);
  }
  return t;
}

const inputs = readdirSync(dir)
  .filter((f) => /^ent-\d+.*\.(csv|json|xlsx|xml)$/.test(f))
  .sort();
const expectedFor = (input: string): string[] => {
  const base = input.replace(/\.[a-z]+$/, '');
  return readdirSync(join(dir, 'expected'))
    .filter((f) => f === `${base}.xml` || new RegExp(`^${base}-\\d+\\.xml$`).test(f))
    .sort()
    .map((f) => readFileSync(join(dir, 'expected', f), 'utf8'));
};

describe('golden: samples/enterprise -> expected DecMessage', () => {
  it('covers every input format and encoding', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(8);
    expect(new Set(inputs.map((f) => f.split('.').pop()))).toEqual(
      new Set(['csv', 'json', 'xlsx', 'xml']),
    );
  });

  it.each(inputs)('%s', async (file) => {
    const messages = await translateAll(translatorFor(file), readFileSync(join(dir, file)), {
      channel: 'golden',
      fileName: file,
    });
    const expected = expectedFor(file);
    expect(messages.map((m) => m.xml)).toEqual(expected);
    for (const m of messages) {
      expect(m.messageType).toBe('DecMessage');
      expect(m.xml).toContain(`<ClientSeqNo>${m.businessKey}</ClientSeqNo>`);
    }
  });

  it('splits 60 items into two declarations with linked ClientSeqNo', async () => {
    const file = 'ent-08-export-tools-split.csv';
    const messages = await translateAll(translatorFor(file), readFileSync(join(dir, file)), {
      channel: 'golden',
      fileName: file,
    });
    expect(messages.map((m) => m.businessKey)).toEqual([
      'EPGW202601090108-1',
      'EPGW202601090108-2',
    ]);
    expect(messages.map((m) => (m.xml.match(/<DecList>/g) ?? []).length)).toEqual([50, 10]);
  });

  it('standard XML validated by dec-xml passes through unchanged for every expected output', async () => {
    const t = createTranslator('dec-xml', { validate: true });
    for (const f of readdirSync(join(dir, 'expected'))) {
      const xml = readFileSync(join(dir, 'expected', f));
      const [m] = await translateAll(t, xml, { channel: 'golden', fileName: f });
      expect(m!.xml).toBe(xml.toString('utf8'));
    }
  });
});
