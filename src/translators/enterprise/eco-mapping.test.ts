import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../core/errors.js';
import { createTranslator } from '../factory.js';
import { translateAll } from '../translator.js';

const ENT = join(import.meta.dirname, '..', '..', '..', 'samples', 'enterprise');
const CSV = 'ent-08-export-tools-split.csv'; // 60 items: parts -1 (1-50) and -2 (51-60)

/** mapping-zh.yaml plus an EcoRelation block from an `原产地` CSV section. */
function mappingWithEco(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eport-eco-'));
  const base = readFileSync(join(ENT, 'mapping-zh.yaml'), 'utf8')
    .replace('      随附单据: edocs\n  xlsx:', '      随附单据: edocs\n      原产地: ecos\n  xlsx:')
    .replace(
      '\nblocks:\n',
      `\nblocks:\n  EcoRelation:\n    from: ecos\n    fields:\n      CertType: 单证类型\n      EcoCertNo: 证明编号\n      DecGNo: 报关单项号\n      EcoGNo: 证明项号\n`,
    );
  writeFileSync(join(dir, 'mapping.yaml'), base);
  return join(dir, 'mapping.yaml');
}

const withEco = (rows: string[]): Buffer => {
  const csv = readFileSync(join(ENT, CSV), 'utf8'); // CRLF lines
  const section = ['[原产地]', '单证类型,证明编号,报关单项号,证明项号', ...rows];
  return Buffer.from(`${csv.trimEnd()}\r\n${section.join('\r\n')}\r\n`);
};

const eco = (xml: string): string[] =>
  [...xml.matchAll(/<EcoRelation>([\s\S]*?)<\/EcoRelation>/g)].map((m) =>
    m[1]!.replace(/\s+/g, ''),
  );

describe('EcoRelation (原产地证明对应关系) from the enterprise mapping', () => {
  it('spec form kept, CargoWise form rewritten (Y + <03>C… → Y03 + C…), pairs follow their item into the split part, renumbered', async () => {
    const t = createTranslator('enterprise', { mapping: mappingWithEco() });
    const [p1, p2] = await translateAll(
      t,
      withEco(['Y03,C26000001,2,1', 'Y,<03>C26000001,51,2', 'Y15,D26000777,60,1']),
      { channel: 'ent', fileName: CSV },
    );
    expect(eco(p1!.xml)).toEqual([
      '<CertType>Y03</CertType><EcoCertNo>C26000001</EcoCertNo><DecGNo>2</DecGNo><EcoGNo>1</EcoGNo><ExtendFiled/>',
    ]);
    expect(eco(p2!.xml)).toEqual([
      '<CertType>Y03</CertType><EcoCertNo>C26000001</EcoCertNo><DecGNo>1</DecGNo><EcoGNo>2</EcoGNo><ExtendFiled/>',
      '<CertType>Y15</CertType><EcoCertNo>D26000777</EcoCertNo><DecGNo>10</DecGNo><EcoGNo>1</EcoGNo><ExtendFiled/>',
    ]);
    // After the EdocRealation entries, before anything else.
    expect(p1!.xml.lastIndexOf('</EdocRealation>')).toBeLessThan(p1!.xml.indexOf('<EcoRelation>'));
  });

  it('a preferential proof without C/D, a bad CertType and an item the file lacks are errors with the field', async () => {
    const t = createTranslator('enterprise', { mapping: mappingWithEco() });
    const err = await translateAll(t, withEco(['Y03,26000001,2,1', 'Y3,C1,3,1', 'Y03,C1,61,1']), {
      channel: 'ent',
      fileName: CSV,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isGatewayError(err)) throw new Error('expected a GatewayError');
    const rules = err.details.map((d) => `${d.field}|${d.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'EcoRelation[1].EcoCertNo|eco-cert-no',
        'EcoRelation[2].CertType|eco-cert-type',
        'EcoRelation[3].DecGNo|eco-items',
      ]),
    );
  });
});
