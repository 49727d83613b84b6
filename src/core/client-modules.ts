/**
 * The Single Window client's business modules (FormId) and the folder each one uses under
 * `ImpPath`, as the client sets them up by default. This is data: a site whose client names a
 * folder differently says so in `DFWJobSettings.xml` (read by settings-file.ts) or in the
 * transport's `folders` option. Folder names are matched case-insensitively on disk.
 */

export interface ClientModule {
  /** Folder under ImpPath, as the client creates it. */
  readonly folder: string;
  /** What it carries, for logs and `eport doctor`. */
  readonly zh: string;
  readonly en: string;
}

/** FormId (upper case) → default folder and meaning. */
export const CLIENT_MODULES: Readonly<Record<string, ClientModule>> = {
  DECCUS001: { folder: 'Deccus001', zh: '货物申报（报关单）', en: 'goods declaration (报关单)' },
  DECCUS102: { folder: 'Deccus102', zh: '报关单修撤', en: 'declaration modification / withdrawal' },
  DECEDOC001: { folder: 'Decedoc001', zh: '随附单据', en: 'attached documents' },
  DECSUB: { folder: 'Decsub', zh: '报关单订阅回执', en: 'declaration subscription receipts' },
  ACD: { folder: 'Acd', zh: '代理报关委托', en: 'customs agency agreement' },
  MFT: { folder: 'Mft', zh: '水运/空运舱单', en: 'sea / air manifest' },
  RMFT: { folder: 'Rmft', zh: '公路舱单', en: 'road manifest' },
  TMFT: { folder: 'Tmft', zh: '铁路舱单', en: 'rail manifest' },
  SAS: { folder: 'Sas', zh: '特殊区域（金二）', en: 'special zones (SAS)' },
  NEMS: { folder: 'Nems', zh: '加贸账册', en: 'processing-trade account book' },
  NPTS: { folder: 'Npts', zh: '加贸手册', en: 'processing-trade handbook' },
  ACMP: { folder: 'Acmp', zh: '加贸随附单据', en: 'processing-trade attachments' },
  IMPCEB: { folder: 'Impceb', zh: '跨境电商进口', en: 'cross-border e-commerce import' },
  EXPCEB: { folder: 'Expceb', zh: '跨境电商出口', en: 'cross-border e-commerce export' },
  OTHERS: { folder: 'Others', zh: '其他', en: 'other' },
};

/** The boxes of one module folder, as the client names them. */
export const BOXES = ['OutBox', 'InBox', 'SentBox', 'FailBox', 'TempBox'] as const;
export type BoxName = (typeof BOXES)[number];

/**
 * The module a message type goes through when the channel does not name one: 报关单 to
 * DECCUS001, 修撤单 to DECCUS102, 舱单 (MTxxxx) to MFT, CEB import messages to IMPCEB and export ones to EXPCEB,
 * 金二 (SAS/INV) to SAS, 代理报关委托 (ImportAgrRequest) to ACD. Undefined when nothing fits: the channel must then say `module:`.
 */
export function defaultModuleFor(messageType: string): string | undefined {
  const t = messageType.toUpperCase();
  if (t === 'DECMESSAGE') return 'DECCUS001';
  // 修撤单: the default root (a channel that configures another root says `module: DECCUS102`).
  if (t === 'DECMODMESSAGE') return 'DECCUS102';
  if (/^MT\d{4}$/.test(t) || t === 'MANIFEST') return 'MFT';
  // CEB import messages number x1x/x2x (311 order, 511 waybill, 621 inventory, 711...), export
  // ones x0x (303 order, 505 waybill, 603 inventory); a channel with another need says `module:`.
  const ceb = /^CEB\d(\d)\d(MESSAGE)?$/.exec(t);
  if (ceb) return ceb[1] === '0' ? 'EXPCEB' : 'IMPCEB';
  if (/^(SAS|INV)\d{3}$/.test(t)) return 'SAS';
  if (t === 'IMPORTAGRREQUEST') return 'ACD';
  return undefined;
}
