/**
 * Cross-border e-commerce (跨境电商) in the sandbox: CEB311 orders and CEB621 inventories are
 * answered, like the DXP route does, with an empty acknowledgement, then `CEB312`/`CEB622` return
 * messages on the receipt feed walking the statuses customs sends.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { childElement, childText } from './dom.js';
import { escapeXml, leaf } from './xml-escape.js';

export const CEB_NS = 'http://www.chinaport.gov.cn/ceb';

/** The business message -> its return message, record element and key field. */
const KINDS = {
  CEB311Message: { reply: 'CEB312Message', body: 'Order', record: 'OrderReturn', key: 'orderNo' },
  CEB621Message: {
    reply: 'CEB622Message',
    body: 'Inventory',
    record: 'InventoryReturn',
    key: 'copNo',
  },
} as const;
type CebKind = keyof typeof KINDS;

/** The returnStatus walk per message: order 申报成功 → 入库; inventory on to 审结, 放行, 结关. */
const PLANS: Record<CebKind, readonly (readonly [string, string])[]> = {
  CEB311Message: [
    ['2', '新增申报成功（沙箱模拟）'],
    ['120', '海关入库成功（沙箱模拟）'],
  ],
  CEB621Message: [
    ['2', '新增申报成功（沙箱模拟）'],
    ['120', '海关入库成功（沙箱模拟）'],
    ['399', '海关审结（沙箱模拟）'],
    ['800', '放行（沙箱模拟）'],
    ['899', '结关（沙箱模拟）'],
  ],
};

export interface CebFacts {
  readonly kind: CebKind;
  readonly guid: string;
  /** orderNo (CEB311) or copNo (CEB621): what the enterprise correlates on. */
  readonly key: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** True for the CEB declarations the sandbox answers. */
export function isCebDeclaration(doc: Document): boolean {
  const root = doc.documentElement;
  return Boolean(root && root.namespaceURI === CEB_NS && (root.localName ?? '') in KINDS);
}

/** Reads guid, key and the party codes from the (signed) message; absent ones are ''. */
export function readCeb(doc: Document): CebFacts {
  const root = doc.documentElement as Element;
  const kind = root.localName as CebKind;
  const { body, key } = KINDS[kind];
  const node = childElement(root, body, CEB_NS);
  const head = node ? childElement(node, `${body}Head`, CEB_NS) : undefined;
  const text = (name: string): string => (head ? childText(head, [name], CEB_NS) : '');
  const names = ['ebpCode', 'ebcCode', 'agentCode', 'customsCode', 'copNo', 'orderNo', 'preNo'];
  return {
    kind,
    guid: text('guid') || root.getAttribute('guid') || '',
    key: text(key),
    fields: Object.fromEntries(names.map((n) => [n, text(n)])),
  };
}

/** `yyyyMMddHHmmssSSS` in China Standard Time, the CEB returnTime format. */
function returnTime(date: Date): string {
  const t = new Date(date.getTime() + 8 * 3_600_000).toISOString();
  return t.replace(/[-:T.Z]/g, '').slice(0, 17);
}

/** One return message for one status of the walk. */
export function buildCebReturn(facts: CebFacts, status: string, info: string, at: Date): string {
  const { reply, record } = KINDS[facts.kind];
  const f = facts.fields;
  const parts =
    facts.kind === 'CEB311Message'
      ? [
          leaf('guid', facts.guid),
          leaf('ebpCode', f.ebpCode),
          leaf('ebcCode', f.ebcCode),
          leaf('orderNo', facts.key),
        ]
      : [
          leaf('guid', facts.guid),
          leaf('customsCode', f.customsCode),
          leaf('ebpCode', f.ebpCode),
          leaf('ebcCode', f.ebcCode),
          leaf('agentCode', f.agentCode),
          leaf('copNo', facts.key),
          leaf(
            'preNo',
            f.preNo || `B${returnTime(at).slice(0, 8)}${facts.key.slice(-9).padStart(9, '0')}`,
          ),
        ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${reply} xmlns="${CEB_NS}" guid="${escapeXml(facts.guid)}" version="1.0"><${record}>${parts.join('')}${leaf('returnStatus', status)}${leaf('returnTime', returnTime(at))}${leaf('returnInfo', info)}</${record}></${reply}>\n`;
}

export function cebPlan(kind: CebKind): readonly (readonly [string, string])[] {
  return PLANS[kind];
}
