/**
 * Builds the 修撤单 (DECCUS102) request from an amendment request and the DecMessage the gateway
 * sent: head with DecModType 1 修改 / 2 撤销, EntryId, DecSeqNo, reason and contact; one Item per
 * changed field with the old value read from the sent message and the new one.
 *
 * Element names follow a real project's model of the message (ZJ0724/ep-util); the root element
 * name has not been seen anywhere (tools read "the document root"), so it is configuration
 * (default DecModMessage). No namespace; lengths unknown except EntryId/DecSeqNo (18).
 */
import { createHash } from 'node:crypto';
import { GatewayError, type ErrorDetail } from '../../core/errors.js';
import {
  child,
  children,
  childNames,
  ownText,
  parseTree,
  type XNode,
} from '../../core/xml-tree.js';
import { fieldSpec } from '../dec/fields.js';
import type { SentMessage } from '../translator.js';
import type { AmendRequest } from './amend-request.js';

/** The 修撤单 root element when the channel names none. Unverified: see the README. */
export const DEFAULT_AMEND_ROOT = 'DecModMessage';

export type SentDeclaration = SentMessage;

export interface AmendXmlOptions {
  readonly rootElement?: string;
}

export interface BuiltAmendment {
  readonly xml: string;
  /** The gateway's own number of this request: `DM` + 16 hex digits (18 characters). */
  readonly businessKey: string;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

function leaf(name: string, value: string | undefined, indent: string): string {
  return value ? `${indent}<${name}>${esc(value)}</${name}>` : `${indent}<${name}/>`;
}

/** The request's own 18-character number, stable for the same request on the same declaration. */
export function amendBusinessKey(sent: SentDeclaration, req: AmendRequest): string {
  const h = createHash('sha256')
    .update(
      JSON.stringify([
        sent.messageId,
        req.type,
        req.reason,
        req.fields.map((f) => [f.field, f.value]),
      ]),
    )
    .digest('hex');
  return `DM${h.slice(0, 16).toUpperCase()}`;
}

function fieldError(
  where: string,
  field: string,
  zh: string,
  en: string,
  fixZh: string,
  fixEn: string,
): ErrorDetail {
  return { where, field, rule: 'amend-field', zh, en, fixZh, fixEn };
}

/** The sent value of `field` (DecHead child, or DecList[n].Name); undefined when the message has no such element. */
function sentValue(decMessage: XNode, field: string): string | undefined {
  const m = /^DecList\[(\d+)\]\.(\w+)$/.exec(field);
  if (m) {
    const item = children(child(decMessage, 'DecLists'), 'DecList')[Number(m[1]) - 1];
    if (item === undefined || !childNames(item).includes(m[2]!)) return undefined;
    return ownText(child(item, m[2]!)) ?? '';
  }
  const head = child(decMessage, 'DecHead');
  if (!childNames(head).includes(field)) return undefined;
  return ownText(child(head, field)) ?? '';
}

function labelOf(field: string): string {
  const m = /^DecList\[(\d+)\]\.(\w+)$/.exec(field);
  return m
    ? (fieldSpec('DecList', m[2]!)?.zh ?? m[2]!)
    : (fieldSpec('DecHead', field)?.zh ?? field);
}

function maxLength(field: string): number | undefined {
  const m = /^DecList\[(\d+)\]\.(\w+)$/.exec(field);
  const kind = (m ? fieldSpec('DecList', m[2]!) : fieldSpec('DecHead', field))?.kind;
  return kind?.t === 'text' ? kind.max : undefined;
}

/** Builds the request; every problem at once as GW_ERR_TRANSLATE_FIELD (permanent). */
export function buildAmendXml(
  req: AmendRequest,
  sent: SentDeclaration,
  opts: AmendXmlOptions = {},
): BuiltAmendment {
  const root = opts.rootElement ?? DEFAULT_AMEND_ROOT;
  const { name, node } = parseTree(sent.xml, `message ${sent.messageId}`);
  if (name !== 'DecMessage') {
    throw new GatewayError('GW_ERR_TRANSLATE_ROOT', {
      where: `message ${sent.messageId}`,
      zh: `只能修撤报关单（DecMessage），该报文是 ${name}`,
      en: `only a declaration (DecMessage) can be modified or withdrawn; this message is ${name}`,
      fixZh: '检查 declaration 是否写成了别的报文的编号',
      fixEn: 'check that declaration names a 报关单, not another message',
    });
  }
  const problems: ErrorDetail[] = [];
  if (!sent.seqNo) {
    problems.push(
      fieldError(
        `message ${sent.messageId}`,
        'DecSeqNo',
        '原报关单还没有统一编号（未收到导入回执），不能修撤',
        'the declaration has no 统一编号 yet (no import response), so it cannot be amended',
        '等收到导入成功回执后再申请；未发送的报文请用 eport cancel',
        'wait for the import response; a message not yet sent is stopped with eport cancel',
      ),
    );
  }
  const items: { field: string; old: string; value: string }[] = [];
  for (const f of req.fields) {
    const old = sentValue(node, f.field);
    if (old === undefined) {
      problems.push(
        fieldError(
          f.where,
          f.field,
          `原报关单中没有字段 ${f.field}`,
          `the sent declaration has no field ${f.field}`,
          '字段名区分大小写，写 DecHead 元素名或 DecList[项号].元素名',
          'field names are case-sensitive: a DecHead element or DecList[n].Name',
        ),
      );
      continue;
    }
    if (old === f.value) {
      problems.push(
        fieldError(
          f.where,
          f.field,
          `${f.field} 的新值与原值相同（“${old}”）`,
          `the new value of ${f.field} equals the sent one ("${old}")`,
          '只列出真正修改的字段',
          'list only fields that change',
        ),
      );
      continue;
    }
    const max = maxLength(f.field);
    if (max !== undefined && [...f.value].length > max) {
      problems.push(
        fieldError(
          f.where,
          f.field,
          `${f.field} 的新值长 ${[...f.value].length}，超过 ${max}`,
          `the new value of ${f.field} is ${[...f.value].length} characters, over ${max}`,
          `缩短到 ${max} 个字符以内`,
          `shorten it to at most ${max} characters`,
        ),
      );
      continue;
    }
    items.push({ field: f.field, old, value: f.value });
  }
  if (problems.length) throw new GatewayError('GW_ERR_TRANSLATE_FIELD', problems);

  const head = child(node, 'DecHead');
  const h = (n: string): string | undefined => ownText(child(head, n));
  const i1 = '  ';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<${root}>`,
    leaf('DecModSeqNo', undefined, i1),
    leaf('Version', undefined, i1),
    leaf('DecModType', req.type === 'modify' ? '1' : '2', i1),
    leaf('EntryId', sent.entryId, i1),
    leaf('CustomsCode', h('CustomMaster'), i1),
    leaf('TradeCode', h('TradeCode'), i1),
    leaf('TradeName', h('TradeName'), i1),
    leaf('AgentCode', h('AgentCode'), i1),
    leaf('AgentName', h('AgentName'), i1),
    leaf('DecModNote', req.reason, i1),
    leaf('CheckMark', undefined, i1),
    leaf('DecSeqNo', sent.seqNo, i1),
    leaf('Sign', undefined, i1),
    leaf('SignTime', undefined, i1),
    leaf('IeFlag', h('IEFlag'), i1),
    leaf('OperType', undefined, i1),
    leaf('IcCode', undefined, i1),
    leaf('EntOpName', req.contact ?? h('DeclareName'), i1),
    leaf('EntOpTele', req.phone, i1),
    leaf('FeedDept', undefined, i1),
    leaf('TradeCreditCode', h('TradeCoScc'), i1),
    leaf('AgentCreditCode', h('AgentCodeScc'), i1),
  ];
  if (items.length) {
    lines.push(`${i1}<Items>`);
    items.forEach((it, i) => {
      const i2 = '      ';
      lines.push(
        `${i1}  <Item>`,
        leaf('No', String(i + 1), i2),
        leaf('FieldCode', it.field, i2),
        leaf('FieldName', labelOf(it.field), i2),
        leaf('OldValue', it.old, i2),
        leaf('NewValue', it.value, i2),
        leaf('OldName', undefined, i2),
        leaf('NewName', undefined, i2),
        `${i1}  </Item>`,
      );
    });
    lines.push(`${i1}</Items>`);
  }
  lines.push(`</${root}>`, '');
  return { xml: lines.join('\n'), businessKey: amendBusinessKey(sent, req) };
}
