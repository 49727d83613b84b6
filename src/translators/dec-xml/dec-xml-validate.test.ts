import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import type { TranslateProblem } from '../source/problems.js';
import { DecXmlTranslator } from './dec-xml-translator.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'samples', 'declaration');
const samples = readdirSync(dir).filter((f) => f.endsWith('.xml'));
const validating = new DecXmlTranslator({ validate: true });
const ctx = (fileName: string) => ({ channel: 'declaration', fileName });

function problemsOf(xml: string): TranslateProblem[] {
  try {
    validating.translateOne(Buffer.from(xml), ctx('dec.xml'));
  } catch (err) {
    expect((err as GatewayError).code).toBe('GW_ERR_VALIDATION');
    return (err as GatewayError).details as TranslateProblem[];
  }
  return [];
}

describe('dec-xml with validation', () => {
  it('passes all seven sample declarations through unchanged', () => {
    expect(samples).toHaveLength(7);
    for (const f of samples) {
      const bytes = readFileSync(join(dir, f));
      expect(validating.translateOne(bytes, ctx(f))).toEqual(
        new DecXmlTranslator().translateOne(bytes, ctx(f)),
      );
    }
  });

  it('reports every broken rule of a file at once, with element paths', () => {
    const xml = readFileSync(join(dir, 'dec-01-import-components-utf8.xml'), 'utf8')
      .replace('<CodeTS>8536690000</CodeTS>', '<CodeTS>853669</CodeTS>')
      .replace('<GrossWet>6072.5</GrossWet>', '<GrossWet>10</GrossWet>')
      .replace(
        '<TradeCoScc>91310115MA1H7R2C76</TradeCoScc>',
        '<TradeCoScc>91310115MA1H7R2C77</TradeCoScc>',
      )
      .replace('<DeclTotal>18000.00</DeclTotal>', '<DeclTotal>18100.00</DeclTotal>')
      .replace('<TrafMode>2</TrafMode>', '<TrafMode/>')
      .replace('<CutMode>101</CutMode>', '<CutMode>503</CutMode>');
    const found = problemsOf(xml).map((p) => [p.rule, p.field, p.where]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['hs-code', 'DecList[2].CodeTS', 'dec.xml, /DecMessage/DecLists/DecList[2]/CodeTS'],
        ['gross-net', 'DecHead.GrossWet', 'dec.xml, /DecMessage/DecHead/GrossWet'],
        ['uscc-check', 'DecHead.TradeCoScc', 'dec.xml, /DecMessage/DecHead/TradeCoScc'],
        [
          'total-mismatch',
          'DecList[2].DeclTotal',
          'dec.xml, /DecMessage/DecLists/DecList[2]/DeclTotal',
        ],
        ['required', 'DecHead.TrafMode', 'dec.xml, /DecMessage/DecHead/TrafMode'],
        ['trade-levy', 'DecHead.CutMode', 'dec.xml, /DecMessage/DecHead/CutMode'],
      ]),
    );
    const uscc = problemsOf(xml).find((p) => p.rule === 'uscc-check')!;
    expect(uscc.zh).toContain('境内收发货人统一社会信用代码');
    expect(uscc.en).toContain('check character');
    expect(uscc.fixZh).toBeTruthy();
  });

  it('is off by default: the pass-through translator does not check the filling rules', () => {
    const xml = readFileSync(join(dir, 'dec-01-import-components-utf8.xml'), 'utf8').replace(
      '<CodeTS>8536690000</CodeTS>',
      '<CodeTS>1</CodeTS>',
    );
    expect(new DecXmlTranslator().translateOne(Buffer.from(xml), ctx('dec.xml')).businessKey).toBe(
      'EPGW20260105000101',
    );
  });
});
