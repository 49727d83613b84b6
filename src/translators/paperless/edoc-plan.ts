import { extname } from 'node:path';
import type { ErrorDetail } from '../../core/errors.js';
import type { BundleFile } from '../../core/document-bundle.js';
import type { CodeTable } from '../codes/code-tables.js';
import type { EdocManifest } from './edoc-manifest.js';
import { ecoRelations } from './edoc-eco.js';
import type { SplitAttachments } from './edoc-split.js';
import {
  AGENCY_AGREEMENT_CODE,
  DEFAULT_MAX_ATTACHMENTS,
  edocIdFor,
  isPdf,
  itemNumbers,
  MAX_EDOC_NAME,
  MAX_GNO_STR,
  MAX_MARK_NAME,
  unsafeFileName,
  type AddProblem,
  type Fields,
} from './edoc-rules.js';

/** What the plan needs to know of the declaration it attaches to. */
export interface DeclarationFacts {
  readonly clientSeqNo: string;
  readonly customMaster: string;
  readonly tradeCode: string;
  readonly tradeName: string;
  readonly itemCount: number;
  /** EdocRealation entries the declaration already carries (standard XML or a mapping). */
  readonly existing: readonly { readonly copId: string; readonly size: string }[];
}

export interface PaperlessLimits {
  readonly maxAttachmentBytes: number;
  readonly maxMarkBytes: number;
  /** Most attachment files (PDF and mark files together); default DEFAULT_MAX_ATTACHMENTS. */
  readonly maxAttachments?: number;
  /** Split declarations: which parts carry the attachments not tied to items; default every. */
  readonly splitAttachments?: SplitAttachments;
}

export type { Fields } from './edoc-rules.js';

export interface PaperlessPlan {
  readonly edocs: readonly Fields[];
  readonly ecos: readonly Fields[];
  readonly marks: readonly Fields[];
  /** Existing entries whose EdocSize was empty: EdocCopId -> size to fill in. */
  readonly sizes: ReadonlyMap<string, string>;
  readonly problems: readonly ErrorDetail[];
}

const FIX_CODE = {
  fixZh:
    '在清单中写明 code（如 00000001 或“发票”），或把文件命名为“类别代码_名称.pdf”（如 00000001_INV001.pdf、发票_INV001.pdf）',
  fixEn:
    'give its code in the manifest (e.g. 00000001 or 发票), or name the file "<code>_<name>.pdf" (e.g. 00000001_INV001.pdf, 发票_INV001.pdf)',
};

/** Builds the EdocRealation, EcoRelation and DecMarkLob entries of one declaration; never throws. */
export function planPaperless(input: {
  readonly docName: string;
  readonly files: readonly BundleFile[];
  readonly manifest: EdocManifest;
  readonly decl: DeclarationFacts;
  readonly edocTypes: CodeTable;
  readonly limits: PaperlessLimits;
}): PaperlessPlan {
  const { docName, manifest, decl, edocTypes, limits } = input;
  const problems: ErrorDetail[] = [];
  const at = (file: string): string => `${docName} → ${file}`;
  const add: AddProblem = (where, rule, zh, en, fix) => {
    problems.push({ where, rule, zh, en, ...(fix ?? {}) });
  };
  const files = new Map(input.files.map((f) => [f.name, f]));
  const maxCount = limits.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS;
  if (input.files.length > maxCount)
    add(
      docName,
      'edoc-too-many',
      `随附文件 ${input.files.length} 个，超过上限 ${maxCount} 个`,
      `${input.files.length} attached files, more than the limit of ${maxCount}`,
      {
        fixZh: '合并或删去多余的文件，或调整 translation.paperless.maxAttachments',
        fixEn: 'merge or remove files, or adjust translation.paperless.maxAttachments',
      },
    );
  const used = new Set<string>();
  const lower = new Map<string, string>();
  for (const f of input.files) {
    const k = f.name.toLowerCase();
    const other = lower.get(k);
    if (other)
      add(
        at(f.name),
        'edoc-name-case',
        `与 ${other} 仅大小写不同，Windows 上的客户端会把两者当作同一文件`,
        `differs from ${other} only in letter case; the client on Windows takes them for one file`,
        { fixZh: '改用不同的文件名', fixEn: 'give the files different names' },
      );
    lower.set(k, f.name);
  }

  const gnoStr = (where: string, items: string | readonly number[] | undefined): string => {
    const { list, bad } = itemNumbers(items);
    for (const b of bad)
      add(
        where,
        'edoc-items',
        `商品序号“${b}”不是正整数`,
        `item number "${b}" is not a positive whole number`,
      );
    for (const n of list)
      if (n > decl.itemCount)
        add(
          where,
          'edoc-items',
          `商品序号 ${n} 超出报关单的商品项数 ${decl.itemCount}`,
          `item number ${n} is beyond the declaration's ${decl.itemCount} items`,
        );
    const s = list.join(',');
    if (s.length > MAX_GNO_STR)
      add(
        where,
        'edoc-items',
        `关联商品序号超过 ${MAX_GNO_STR} 个字符`,
        `the item list (GNoStr) is longer than ${MAX_GNO_STR} characters`,
      );
    return s;
  };

  const checkFile = (
    file: string,
    maxBytes: number,
    mustBePdf: boolean,
  ): BundleFile | undefined => {
    const f = files.get(file);
    if (!f) {
      add(
        at(file),
        'edoc-file-missing',
        '清单列出的文件不存在',
        'the manifest lists a file that is not there',
        {
          fixZh: '把文件与报关单一起放入收件箱，或从清单中删去',
          fixEn: 'put the file in the inbox with the declaration, or remove it from the manifest',
        },
      );
      return undefined;
    }
    used.add(file);
    const unsafe = unsafeFileName(file);
    if (unsafe)
      add(at(file), 'edoc-file-name', unsafe.zh, unsafe.en, {
        fixZh: '重命名文件',
        fixEn: 'rename the file',
      });
    if (f.bytes.length === 0)
      add(at(file), 'edoc-empty', '文件为空（0 字节）', 'the file is empty (0 bytes)');
    else if (mustBePdf && !isPdf(f.bytes))
      add(
        at(file),
        'edoc-not-pdf',
        '不是 PDF 文件（文件头无 %PDF-）；随附单据只收 PDF',
        'not a PDF (no %PDF- header); attached documents must be PDF',
        { fixZh: '以 PDF 格式导出或扫描该单据', fixEn: 'export or scan the document as PDF' },
      );
    if (f.bytes.length > maxBytes)
      add(
        at(file),
        mustBePdf ? 'edoc-too-large' : 'mark-too-large',
        `文件 ${f.bytes.length} 字节，超过上限 ${maxBytes} 字节`,
        `the file has ${f.bytes.length} bytes, more than the limit of ${maxBytes}`,
        {
          fixZh: '压缩或降低扫描分辨率后重新生成，或按客户端实际上限调整配置',
          fixEn:
            'compress it or scan at a lower resolution, or adjust the configured limit to what your client accepts',
        },
      );
    return f;
  };

  const edoc = (
    file: string,
    code: string,
    extra: {
      items?: string | readonly number[] | undefined;
      note?: string | undefined;
      edocId?: string | undefined;
      ownerCode?: string | undefined;
      ownerName?: string | undefined;
      signUnit?: string | undefined;
      signTime?: string | undefined;
    },
  ): Fields | undefined => {
    const f = checkFile(file, limits.maxAttachmentBytes, true);
    if (!f) return undefined;
    if (!/^\d{4}$/.test(decl.customMaster) && !extra.edocId)
      add(
        at(file),
        'edoc-id',
        `申报地海关 CustomMaster“${decl.customMaster}”不是 4 位代码，无法按规则编 EdocID`,
        `CustomMaster "${decl.customMaster}" is not a 4-digit code, so EdocID cannot be numbered by the rule`,
        {
          fixZh: '填写 DecHead/CustomMaster，或在清单中给出 edocId',
          fixEn: 'fill DecHead/CustomMaster, or give edocId in the manifest',
        },
      );
    const edocId =
      extra.edocId ?? edocIdFor(decl.customMaster, code, decl.clientSeqNo, file, f.bytes);
    if (edocId.length > MAX_EDOC_NAME)
      add(
        at(file),
        'edoc-id',
        `EdocID 超过 ${MAX_EDOC_NAME} 个字符`,
        `EdocID is longer than ${MAX_EDOC_NAME} characters`,
      );
    return [
      ['EdocID', edocId],
      ['EdocCode', code],
      ['EdocFomatType', 'US'],
      ['OpNote', extra.note ?? ''],
      ['EdocCopId', file],
      ['EdocOwnerCode', extra.ownerCode ?? decl.tradeCode],
      ['SignUnit', extra.signUnit ?? ''],
      ['SignTime', extra.signTime ?? ''],
      ['EdocOwnerName', extra.ownerName ?? decl.tradeName],
      ['EdocSize', String(f.bytes.length)],
      ['GNoStr', gnoStr(at(file), extra.items)],
    ];
  };

  const codeOf = (where: string, text: string): string | undefined => {
    const code = edocTypes.lookup(text);
    if (!code)
      add(
        where,
        'edoc-code',
        `随附单证类别“${text}”不在随附单据代码表中`,
        `document type "${text}" is not in the attached-document code table`,
        {
          fixZh: `使用代码表中的代码或名称，如 ${edocTypes.sample(4)}`,
          fixEn: `use a code or name of the table, e.g. ${edocTypes.sample(4)}`,
        },
      );
    return code;
  };

  const edocs: Fields[] = [];
  const existing = new Map(decl.existing.map((e) => [e.copId, e]));
  const sizes = new Map<string, string>();
  for (const e of decl.existing) {
    if (!e.copId) continue;
    if (!files.has(e.copId)) {
      add(
        `${docName}, EdocRealation/EdocCopId ${e.copId}`,
        'edoc-file-missing',
        '报关单的随附单据指向的文件不在随附文件中',
        'the declaration names an attached file that did not come with it',
        {
          fixZh: '把该文件放入随附单据文件夹，或删去这条随附单据',
          fixEn: 'put the file in the attachment folder, or remove the entry',
        },
      );
      continue;
    }
    const f = checkFile(e.copId, limits.maxAttachmentBytes, true)!;
    if (e.size === '') sizes.set(e.copId, String(f.bytes.length));
    else if (e.size !== String(f.bytes.length))
      add(
        at(e.copId),
        'edoc-size',
        `报关单写的 EdocSize 为 ${e.size}，文件实际 ${f.bytes.length} 字节`,
        `EdocSize says ${e.size}, the file has ${f.bytes.length} bytes`,
        {
          fixZh: '改正 EdocSize 或留空由网关填写',
          fixEn: 'correct EdocSize or leave it empty for the gateway to fill',
        },
      );
  }
  for (const a of manifest.attachments) {
    used.add(a.file); // listed: never classified by its name as well
    if (existing.has(a.file)) {
      add(
        at(a.file),
        'edoc-duplicate',
        '该文件已由报关单中的随附单据引用，清单不可重复列出',
        'the declaration already has an entry for this file; the manifest must not list it again',
      );
      continue;
    }
    const code = codeOf(at(a.file), a.code);
    if (code) {
      const e = edoc(a.file, code, a);
      if (e) edocs.push(e);
    }
  }
  const marks: Fields[] = [];
  for (const m of manifest.marks) {
    const f = checkFile(m.file, limits.maxMarkBytes, false);
    if (!f) continue;
    if ([...m.file].length > MAX_MARK_NAME)
      add(
        at(m.file),
        'mark-name',
        `标记唛码附件名超过 ${MAX_MARK_NAME} 个字符`,
        `the mark attachment name is longer than ${MAX_MARK_NAME} characters`,
      );
    marks.push([
      ['AttachName', m.file],
      ['AttachType', extname(m.file).slice(1).slice(0, 20)],
      ['Attachment', f.bytes.toString('base64')],
    ]);
  }
  // Files nobody listed: classified by name, `<code or 类别名称>_<anything>`.
  for (const f of input.files) {
    if (used.has(f.name)) continue;
    const prefix = /^([^_]+)_/.exec(f.name)?.[1];
    const code = prefix ? edocTypes.lookup(prefix) : undefined;
    if (!code) {
      add(
        at(f.name),
        'edoc-code',
        '无法判断该随附文件的单证类别：清单未列出，文件名也不以类别代码或名称开头',
        'the document type of this file is unknown: the manifest does not list it and its name does not start with a type code or name',
        FIX_CODE,
      );
      continue;
    }
    const e = edoc(f.name, code, {});
    if (e) edocs.push(e);
  }
  if (manifest.agencyAgreement !== undefined) {
    const no = manifest.agencyAgreement.trim();
    if (!/^[0-9A-Za-z]{1,64}$/.test(no))
      add(
        `${docName}, $.agencyAgreement`,
        'edoc-agreement',
        `代理报关委托协议编号“${no}”无效`,
        `agency agreement number "${no}" is invalid`,
        {
          fixZh: '填写委托申报回执中的 ConsignNo',
          fixEn: 'use the ConsignNo of the agreement response',
        },
      );
    else
      edocs.push([
        ['EdocID', no],
        ['EdocCode', AGENCY_AGREEMENT_CODE],
        ['EdocFomatType', 'US'],
        ['OpNote', ''],
        ['EdocCopId', ''],
        ['EdocOwnerCode', decl.tradeCode],
        ['SignUnit', ''],
        ['SignTime', ''],
        ['EdocOwnerName', decl.tradeName],
        ['EdocSize', ''],
        ['GNoStr', ''],
      ]);
  }
  const ecos = manifest.originCertificates.flatMap((o, i) =>
    ecoRelations(o, `${docName}, $.originCertificates[${i}]`, decl.itemCount, add),
  );
  return { edocs, ecos, marks, sizes, problems };
}
