import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import { loadCodeTables } from '../codes/code-tables.js';
import { parseMapping } from '../mapping/load.js';
import { EnterpriseTranslator } from './enterprise-translator.js';

const codes = loadCodeTables();
const mapping = (split: string, validation = 'true') =>
  parseMapping(
    `mappingVersion: 1
input: { format: csv, csv: { recordTypeColumn: T, sections: { H: head, I: items, C: containers } } }
split: ${split}
validation: { enabled: ${validation} }
blocks:
  DecHead:
    from: head
    fields: { GrossWet: gross, NetWt: net, PackNo: packs, CodeHint: { const: x } }
  DecList:
    from: items
    fields: { GNo: { seq: true }, CodeTS: hs, "@NetWt": kg }
  Container:
    from: containers
    fields: { ContainerId: box, GoodsNo: goods }
  DecSign:
    from: head
    fields: { ClientSeqNo: seq }
`.replace('CodeHint: { const: x } ', ''),
    'm.yaml',
  );

function csv(items: number): Buffer {
  let s =
    'T,gross,net,packs,seq,hs,kg,box,goods\nH,1000,' + String(items * 10) + ',7,BASE-01,,,,\n';
  for (let i = 1; i <= items; i++) s += `I,,,,,${String(8471300000 + i)},10,,\n`;
  s += 'C,,,,,,,SBXU2004179,"1,2,3"\nC,,,,,,,SBXU2004184,' + String(items) + '\n';
  return Buffer.from(s);
}

const parser = new XMLParser({
  isArray: (n) => ['DecList', 'Container'].includes(n),
  parseTagValue: false,
});
type Doc = {
  DecMessage: {
    DecHead: Record<string, string>;
    DecLists: { DecList: unknown[] };
    DecContainers: { Container: { ContainerId: string; GoodsNo: string }[] } | '';
    DecSign: { ClientSeqNo: string };
  };
};

describe('enterprise translator: split and reject', () => {
  it('splits into linked declarations, shares the head totals and renumbers container items', async () => {
    const t = new EnterpriseTranslator({
      mapping: mapping(
        '{ mode: split, maxItems: 3, apportion: [GrossWet, NetWt, PackNo] }',
        'false',
      ),
      codes,
    });
    const out = await t.translate(csv(7), { channel: 't', fileName: 'in.csv' });
    expect(out.map((m) => m.businessKey)).toEqual(['BASE-01-1', 'BASE-01-2', 'BASE-01-3']);
    const docs = out.map((m) => (parser.parse(m.xml) as Doc).DecMessage);
    expect(docs.map((d) => d.DecLists.DecList.length)).toEqual([3, 3, 1]);
    expect(docs.map((d) => d.DecHead['NetWt'])).toEqual(['30', '30', '10']);
    expect(docs.map((d) => d.DecHead['GrossWet'])).toEqual(['428.571', '428.571', '142.858']);
    expect(docs.map((d) => d.DecHead['PackNo'])).toEqual(['3', '3', '1']);
    // Container 1 holds items 1-3 (part 1); container 2 holds item 7, which is item 1 of part 3.
    expect(
      docs.map((d) =>
        d.DecContainers === ''
          ? []
          : d.DecContainers.Container.map((c) => `${c.ContainerId}:${c.GoodsNo}`),
      ),
    ).toEqual([['SBXU2004179:1,2,3'], [], ['SBXU2004184:1']]);
  });

  it('rejects more items than allowed, pointing at the first item too many', async () => {
    const t = new EnterpriseTranslator({
      mapping: mapping('{ mode: reject, maxItems: 3 }', 'false'),
      codes,
    });
    let e: GatewayError | undefined;
    try {
      await t.translate(csv(4), { channel: 't', fileName: 'in.csv' });
    } catch (err) {
      e = err as GatewayError;
    }
    expect(e?.code).toBe('GW_ERR_VALIDATION');
    expect(e?.details[0]).toMatchObject({
      rule: 'max-items',
      field: 'DecList[4]',
      where: 'in.csv, row 6',
    });
    expect(e?.details[0]?.fixEn).toContain('split.mode: split');
  });

  it('with validation off still refuses what would break the pipeline (ClientSeqNo)', async () => {
    const t = new EnterpriseTranslator({ mapping: mapping('{ mode: reject }', 'false'), codes });
    const bad = Buffer.from(csv(2).toString().replace('BASE-01', 'BASE 01'));
    await expect(t.translate(bad, { channel: 't', fileName: 'in.csv' })).rejects.toMatchObject({
      code: 'GW_ERR_VALIDATION',
    });
    // …but not the filling rules: this declaration lacks nearly every required field.
    expect(await t.translate(csv(2), { channel: 't', fileName: 'in.csv' })).toHaveLength(1);
  });
});
