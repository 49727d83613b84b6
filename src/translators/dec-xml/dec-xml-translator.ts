import { GatewayError, type ErrorDetail } from '../../core/errors.js';
import { safeXmlParser } from '../../core/safe-xml.js';
import { withUtf8Declaration } from '../../core/xml-text.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import { loadCodeTables, type CodeTables } from '../codes/code-tables.js';
import { parseDecXml } from '../dec/xml-parse.js';
import { CLIENT_SEQ_NO_RE } from '../dec/fields.js';
import { DEC_NAMESPACE } from '../dec/namespace.js';
import type { DecRuleSettings } from '../validation/dec-rule-settings.js';
import { validateDec } from '../validation/validate-dec.js';

const parser = safeXmlParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

type Node = Record<string, unknown>;

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

function prefixOf(qname: string): string | undefined {
  const i = qname.indexOf(':');
  return i < 0 ? undefined : qname.slice(0, i);
}

/** The child element with this local name (the prefix is the root's, or none). */
function child(node: unknown, name: string, prefix: string | undefined): unknown {
  if (!node || typeof node !== 'object') return undefined;
  return (node as Node)[prefix ? `${prefix}:${name}` : name];
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node) return String((node as Node)['#text']);
  return undefined;
}

/** Options of the pass-through translator; the defaults keep the original pass-through behaviour. */
export interface DecXmlTranslatorOptions {
  /** Also check the filling rules (eport-formats.md §10) before passing the message on; default false. */
  readonly validate?: boolean;
  /** Code tables for validation; default the bundled ones. */
  readonly codes?: CodeTables;
  /** Largest accepted |DeclTotal - DeclPrice × GQty|, decimal text; default 1. */
  readonly totalTolerance?: string;
  /** Transit and 减免税 rule facts; default the sourced values. */
  readonly rules?: DecRuleSettings;
}

/**
 * Standard 报关单 DecMessage XML as enterprise systems write it (UTF-8, GBK or GB18030, BOM or
 * not, default or prefixed namespace), checked and passed through re-encoded as UTF-8. With
 * `validate` the message must also pass the same filling-rule validation as translated files.
 */
export class DecXmlTranslator implements Translator {
  readonly name = 'dec-xml';

  constructor(private readonly options: DecXmlTranslatorOptions = {}) {}

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    return [this.translateOne(bytes, ctx)];
  }

  /** The checks and the re-encoding, all synchronous: standard XML is one message. */
  translateOne(bytes: Buffer, ctx: TranslateContext): StandardMessage {
    const where = ctx.fileName;
    const parsed = parser.parseBytes(bytes, where);
    const xml = parsed.decoded.text;
    const doc = parsed.doc as Node;
    const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
    if (!rootName || localName(rootName) !== 'DecMessage') {
      throw new GatewayError('GW_ERR_TRANSLATE_ROOT', {
        where,
        zh: `根元素应为 DecMessage，实际为 ${rootName ?? '（无）'}`,
        en: `the root element must be DecMessage, found ${rootName ?? '(none)'}`,
        fixZh: '此通道只接收报关单 DecMessage 报文',
        fixEn: 'this channel accepts 报关单 DecMessage messages only',
      });
    }
    const root = doc[rootName] as Node;
    const prefix = prefixOf(rootName);
    const ns = root[prefix ? `@xmlns:${prefix}` : '@xmlns'];
    if (ns !== DEC_NAMESPACE) {
      throw new GatewayError('GW_ERR_TRANSLATE_ROOT', {
        where: `${where}, <${rootName}>`,
        zh: `命名空间应为 ${DEC_NAMESPACE}，实际为 ${String(ns ?? '（无）')}`,
        en: `the namespace must be ${DEC_NAMESPACE}, found ${String(ns ?? '(none)')}`,
        fixZh: `在根元素上声明 xmlns="${DEC_NAMESPACE}"`,
        fixEn: `declare xmlns="${DEC_NAMESPACE}" on the root element`,
      });
    }
    const problems: ErrorDetail[] = [];
    if (!child(root, 'DecHead', prefix)) {
      problems.push({
        where: `${where}, DecMessage/DecHead`,
        field: 'DecHead',
        zh: '缺少表头 DecHead',
        en: 'DecHead is missing',
        fixZh: '补充 DecHead',
        fixEn: 'add DecHead',
      });
    }
    const clientSeqNo = text(child(child(root, 'DecSign', prefix), 'ClientSeqNo', prefix))?.trim();
    if (!clientSeqNo) {
      problems.push({
        where: `${where}, DecMessage/DecSign/ClientSeqNo`,
        field: 'ClientSeqNo',
        zh: '缺少客户端唯一编号 ClientSeqNo',
        en: 'ClientSeqNo (客户端唯一编号) is missing',
        fixZh: '在 DecSign 中填写唯一且稳定的 ClientSeqNo；海关回执按它对应',
        fixEn: 'fill DecSign/ClientSeqNo with a unique, stable value; receipts are matched on it',
      });
    } else if (!CLIENT_SEQ_NO_RE.test(clientSeqNo)) {
      problems.push({
        where: `${where}, DecMessage/DecSign/ClientSeqNo`,
        field: 'ClientSeqNo',
        zh: `ClientSeqNo "${clientSeqNo}" 只能包含字母、数字、_ 和 -，最长 18 位（实际 ${clientSeqNo.length} 位）`,
        en: `ClientSeqNo "${clientSeqNo}" may hold letters, digits, _ and - only, at most 18 (found ${clientSeqNo.length})`,
        fixZh: '单一窗口规范中客户端编号长 18 位；请缩短',
        fixEn: 'the Single Window specification gives ClientSeqNo 18 characters; shorten it',
      });
    }
    if (child(root, 'Signature', 'ds') || child(root, 'Signature', undefined)) {
      problems.push({
        where: `${where}, DecMessage/Signature`,
        zh: '报文已含签名；网关会自行签名',
        en: 'the message is already signed; the gateway signs it itself',
        fixZh: '提交未签名的报文',
        fixEn: 'submit the message unsigned',
      });
    }
    if (problems.length) throw new GatewayError('GW_ERR_TRANSLATE_FIELD', problems);
    if (this.options.validate) {
      const model = parseDecXml(xml, where);
      const found = validateDec(model, {
        codes: this.options.codes ?? loadCodeTables(),
        file: where,
        ...(this.options.totalTolerance !== undefined
          ? { totalTolerance: this.options.totalTolerance }
          : {}),
        ...(this.options.rules ? { rules: this.options.rules } : {}),
      });
      if (found.length > 0) throw new GatewayError('GW_ERR_VALIDATION', found);
    }
    return { messageType: 'DecMessage', xml: withUtf8Declaration(xml), businessKey: clientSeqNo! };
  }
}
