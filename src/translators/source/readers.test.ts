import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import { joinCsvParts, readCsv } from './csv-reader.js';
import { parseJsonText } from './json-text.js';
import { readJson } from './json-reader.js';
import type { ReadOptions } from './read-options.js';
import { detectFormat } from './read-input.js';
import { readXml } from './xml-reader.js';

const opts = (over: Partial<ReadOptions> = {}): ReadOptions => ({
  file: 'in',
  encoding: 'auto',
  maxCellChars: 50,
  csv: {
    delimiter: ',',
    recordTypeColumn: 'T',
    sections: { H: 'head', I: 'items', 表头: 'head', 表体: 'items' },
  },
  xlsx: { sheets: {} },
  json: { sections: { head: 'head', items: 'items' } },
  xml: { sections: { head: 'HEAD', items: 'ITEMS/ITEM' } },
  ...over,
});
const values = (doc: ReturnType<typeof readCsv>, section: string) =>
  doc.sections
    .get(section)!
    .records.map((r) => Object.fromEntries([...r.cells].map(([k, c]) => [k, c.value])));
const errorOf = (f: () => unknown): GatewayError => {
  try {
    f();
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error('expected an error');
};

describe('CSV reader', () => {
  it('reads the record-type layout with positions', () => {
    const doc = readCsv(
      Buffer.from('T,a,b\r\nH,1,\r\n\r\nI,"x, y",2\r\nI,"multi\nline",3\r\nI,z,4\r\n'),
      opts(),
    );
    expect(values(doc, 'head')).toEqual([{ a: '1', b: '' }]);
    expect(values(doc, 'items').map((r) => r['a'])).toEqual(['x, y', 'multi\nline', 'z']);
    const last = doc.sections.get('items')!.records[2]!;
    // Row 7: the blank line and the quoted line break count, as in a text editor.
    expect(last.cells.get('b')!.pos).toEqual({ file: 'in', row: 7, column: 'C', columnName: 'b' });
  });

  it('reads the sections layout, and a head + items pair joined into it', () => {
    const head = 'a,b\n1,2\n';
    const items = '\uFEFFc\n7\n8\n';
    const doc = readCsv(
      Buffer.from(
        joinCsvParts([
          { marker: '表头', text: head },
          { marker: '表体', text: items },
        ]),
      ),
      opts(),
    );
    expect(values(doc, 'head')).toEqual([{ a: '1', b: '2' }]);
    expect(values(doc, 'items')).toEqual([{ c: '7' }, { c: '8' }]);
    expect(doc.sections.get('items')!.columns).toEqual(['c']);
  });

  it('reports every bad row at once', () => {
    const e = errorOf(() => readCsv(Buffer.from('T,a,b\nH,1,2\nI,1\nI,1,2,3\nQ,1,2\n'), opts()));
    expect(e.code).toBe('GW_ERR_INPUT_FORMAT');
    expect(e.details.map((d) => d.where)).toEqual([
      'in, row 3',
      'in, row 4',
      'in, row 5, column A (T)',
    ]);
  });

  it('trims ideographic spaces and tolerates a trailing delimiter', () => {
    const doc = readCsv(Buffer.from('T,a,\nH,\u3000值\u3000,\n'), opts());
    expect(values(doc, 'head')).toEqual([{ a: '值' }]);
  });
});

describe('JSON reader', () => {
  it('keeps number text exactly and positions of values', () => {
    const n = parseJsonText('{"a": [1, 12345678901234.12345, -0.5e2, true, null, "\\u4e2d"]}');
    expect(
      n.kind === 'object' &&
        n.entries[0]!.value.kind === 'array' &&
        n.entries[0]!.value.items.map((i) => ('text' in i ? i.text : '')),
    ).toEqual(['1', '12345678901234.12345', '-0.5e2', 'true', '', '中']);
  });

  it('flattens nested objects into dotted columns', () => {
    const doc = readJson(
      Buffer.from('{"head": {"agent": {"code": "X1"}, "n": 5},\n "items": [{"q": 1.50}]}'),
      opts(),
    );
    expect(doc.sections.get('head')!.records[0]!.cells.get('agent.code')).toEqual({
      value: 'X1',
      pos: { file: 'in', path: '$.head.agent.code', columnName: 'agent.code', line: 1, col: 29 },
    });
    expect(doc.sections.get('items')!.records[0]!.cells.get('q')!.value).toBe('1.50');
  });
});

describe('XML reader', () => {
  it('reads sections by path, honouring the declared encoding', () => {
    const doc = readXml(
      Buffer.from(
        '<?xml version="1.0"?><R><HEAD><A>1 &amp; 2</A><B/></HEAD><ITEMS><ITEM><C>x</C></ITEM><ITEM><C>y</C></ITEM></ITEMS></R>',
      ),
      opts(),
    );
    expect(doc.sections.get('head')!.records[0]!.cells.get('A')!.value).toBe('1 & 2');
    expect(doc.sections.get('items')!.records.map((r) => r.cells.get('C')!.pos.path)).toEqual([
      '/R/ITEMS/ITEM[1]/C',
      '/R/ITEMS/ITEM[2]/C',
    ]);
  });
});

describe('format detection', () => {
  it('uses the extension, then the content', () => {
    expect(detectFormat(Buffer.from('PK\x03\x04'), 'a.csv')).toBe('xlsx');
    expect(detectFormat(Buffer.from('a,b'), 'a.json')).toBe('json');
    expect(detectFormat(Buffer.from('\uFEFF  {"a":1}'), 'upload')).toBe('json');
    expect(detectFormat(Buffer.from('<x/>'), 'upload')).toBe('xml');
    expect(detectFormat(Buffer.from('a,b'), 'upload')).toBe('csv');
  });
});
