import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decMessage } from '../../helpers/dec-message.js';
import {
  buildZip,
  xlsxWithCells,
  xlsxWithManyCells,
  xlsxWithSheet,
} from '../../helpers/zip-build.js';

/**
 * The hostile inputs too big to commit, or that only a file system can hold (links, FIFOs, odd
 * names): written into the channel inboxes at test time. Returns the names written per channel.
 */
export async function writeGenerated(inboxes: {
  declaration: string;
  erp: string;
  erpJson: string;
}): Promise<{ channel: string; name: string }[]> {
  const out: { channel: string; name: string }[] = [];
  const put = (channel: keyof typeof inboxes, name: string, data: Buffer | string): void => {
    writeFileSync(join(inboxes[channel], name), data);
    out.push({ channel: channel === 'erpJson' ? 'erp-json' : channel, name });
  };
  const d = 'declaration' as const;
  put(d, 'long-notes-19mb.xml', decMessage('GEN0001', { note: 'x'.repeat(19 * 1024 * 1024) }));
  put(d, 'long-notes-3mb.xml', decMessage('GEN0002', { note: 'x'.repeat(3 * 1024 * 1024) }));
  put(
    d,
    'deep-nesting.xml',
    `<?xml version="1.0"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</DecMessage>`,
  );
  put(
    d,
    'many-elements.xml',
    `<?xml version="1.0"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec"><DecHead>${'<x/>'.repeat(600_000)}</DecHead></DecMessage>`,
  );
  put(
    d,
    'huge-attribute.xml',
    `<?xml version="1.0"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec" version="${'9'.repeat(1024 * 1024)}"/>`,
  );
  put(
    d,
    'comment-bomb.xml',
    `<?xml version="1.0"?>\n<!--${'-x'.repeat(1024 * 1024)}-->\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec"/>`,
  );
  put(
    d,
    'cdata-bomb.xml',
    decMessage('GEN0003', { note: `<![CDATA[${'c'.repeat(2 * 1024 * 1024)}]]>` }),
  );
  // A 2 GB file that costs no disk: sparse.
  const sparse = join(inboxes.declaration, 'sparse-2gb.xml');
  closeSync(openSync(sparse, 'w'));
  execFileSync('truncate', ['-s', '2G', sparse]);
  out.push({ channel: 'declaration', name: 'sparse-2gb.xml' });
  // Names a file system allows and an archive may not: 255 bytes, a newline, invalid UTF-8.
  put(d, `${'长'.repeat(83)}x.xml`, '<not-a-declaration/>');
  put(d, 'line\nbreak.xml', '<not-a-declaration/>');
  writeFileSync(
    Buffer.concat([
      Buffer.from(inboxes.declaration + '/'),
      Buffer.from([0x62, 0xff, 0xfe, 0x2e, 0x78, 0x6d, 0x6c]),
    ]),
    '<not-a-declaration/>',
  );
  out.push({
    channel: 'declaration',
    name: Buffer.from([0x62, 0xff, 0xfe, 0x2e, 0x78, 0x6d, 0x6c]).toString('utf8'),
  });
  symlinkSync('/etc/passwd', join(inboxes.declaration, 'passwd-link.xml'));
  out.push({ channel: 'declaration', name: 'passwd-link.xml' });
  execFileSync('mkfifo', [join(inboxes.declaration, 'fifo.xml')]);
  out.push({ channel: 'declaration', name: 'fifo.xml' });
  mkdirSync(join(inboxes.declaration, 'folder.xml'));
  out.push({ channel: 'declaration', name: 'folder.xml' });

  const e = 'erp' as const;
  put(
    e,
    'zip-bomb.xlsx',
    xlsxWithSheet(Buffer.alloc(64 * 1024 * 1024, 0x20), (z) => ({ ...z, declaredSize: 1000 })),
  );
  put(e, 'eight-million-cells.xlsx', await xlsxWithManyCells(800_000, 10));
  put(e, 'many-cells.xlsx', xlsxWithCells(30_000, 10));
  put(
    e,
    'many-entries.xlsx',
    buildZip(
      Array.from({ length: 2000 }, (_, i) => ({
        name: `xl/media/m${i}.bin`,
        data: Buffer.from('x'),
      })),
    ),
  );
  put(
    e,
    'long-cell.xlsx',
    xlsxWithSheet(
      Buffer.from(
        `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>${'w'.repeat(100_000)}</t></is></c></row></sheetData></worksheet>`,
      ),
    ),
  );
  put(e, 'many-rows.csv', `记录类型,商品名称\n${'I,螺丝\n'.repeat(60_000)}`);
  // Huge but under the field limit: refused by the mapping's cell limit, with its position.
  put(e, 'field-under-limit.csv', `记录类型,备注\nH,${'v'.repeat(8000)}\n`);
  const j = 'erpJson' as const;
  put(j, 'deep.json', `{"head":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)},"items":[]}`);
  put(j, 'huge-string.json', `{"head":{"x":"${'y'.repeat(5 * 1024 * 1024)}"},"items":[]}`);
  put(j, 'many-values.json', `{"head":{},"items":[${'{"a":1},'.repeat(400_000)}{"a":1}]}`);
  return out;
}
