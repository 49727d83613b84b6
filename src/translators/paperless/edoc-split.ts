/**
 * Attachments of a file that splits into several linked declarations (more than 50 items, the
 * ClientSeqNo `-1`/`-2` parts). No source says how the client or customs wants them shared, so
 * it is configuration (`translation.paperless.splitAttachments`):
 *
 * - `every` (default): every part carries the attachments that are not tied to items (invoice,
 *   packing list, bill of lading cover the whole shipment, and each part is a 报关单 customs
 *   reviews on its own) and the marks;
 * - `first`: only the first part carries them.
 *
 * In both modes an attachment with `items` goes to the parts that hold those items, its item
 * numbers (the numbering of the whole file, 1..N) rewritten to the part's own (GNo restarts at 1
 * in each part); origin-certificate pairs likewise; the agency agreement goes with every part.
 */
import type { BundleFile } from '../../core/document-bundle.js';
import type { ErrorDetail } from '../../core/errors.js';
import type { EdocManifest } from './edoc-manifest.js';
import { itemNumbers } from './edoc-rules.js';

export type SplitAttachments = 'every' | 'first';
export const DEFAULT_SPLIT_ATTACHMENTS: SplitAttachments = 'every';

/** One part's share of the file's items: 1-based numbers offset+1 .. offset+count. */
export interface PartItems {
  readonly n: number;
  readonly offset: number;
  readonly count: number;
}

/** Item numbers (whole-file numbering) outside 1..total: problems, reported once for the file. */
export function itemsBeyond(manifest: EdocManifest, docName: string, total: number): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const a of manifest.attachments)
    for (const n of itemNumbers(a.items).list)
      if (n > total)
        out.push({
          where: `${docName} → ${a.file}`,
          rule: 'edoc-items',
          zh: `商品序号 ${n} 超出文件的商品项数 ${total}（拆分前的编号）`,
          en: `item number ${n} is beyond the file's ${total} items (numbered before the split)`,
        });
  manifest.originCertificates.forEach((o, i) =>
    o.items.forEach((p, j) => {
      if (p.decGNo > total)
        out.push({
          where: `${docName}, $.originCertificates[${i}].items[${j}]`,
          rule: 'eco-items',
          zh: `报关单商品项号 ${p.decGNo} 不在 1..${total} 内（拆分前的编号）`,
          en: `declaration item ${p.decGNo} is not within 1..${total} (numbered before the split)`,
        });
    }),
  );
  return out;
}

/** The manifest and files of one part; files the manifest does not list follow the mode. */
export function shareForPart(
  manifest: EdocManifest,
  files: readonly BundleFile[],
  part: PartItems,
  mode: SplitAttachments,
  /** Files the part's own EdocRealation entries name (a mapping's block is in every part). */
  named: ReadonlySet<string> = new Set(),
): { manifest: EdocManifest; files: BundleFile[] } {
  const local = (n: number): number | undefined =>
    n > part.offset && n <= part.offset + part.count ? n - part.offset : undefined;
  const untied = mode === 'every' || part.n === 1;
  const attachments = manifest.attachments.flatMap((a) => {
    const { list, bad } = itemNumbers(a.items);
    if (a.items === undefined || (list.length === 0 && bad.length === 0) || bad.length > 0)
      return untied ? [a] : []; // bad numbers: the plan reports them on the parts that carry it
    const mine = list.map(local).filter((n): n is number => n !== undefined);
    return mine.length > 0 ? [{ ...a, items: mine.join(',') }] : [];
  });
  const originCertificates = manifest.originCertificates.flatMap((o) => {
    const items = o.items.flatMap((p) => {
      const d = local(p.decGNo);
      return d === undefined ? [] : [{ ...p, decGNo: d }];
    });
    return items.length > 0 ? [{ ...o, items }] : [];
  });
  const marks = untied ? manifest.marks : [];
  const listed = new Set([...manifest.attachments, ...manifest.marks].map((e) => e.file));
  const wanted = new Set([...attachments, ...marks].map((e) => e.file));
  return {
    manifest: { ...manifest, attachments, originCertificates, marks },
    files: files.filter(
      (f) => wanted.has(f.name) || named.has(f.name) || (!listed.has(f.name) && untied),
    ),
  };
}
