import { GatewayError } from '../../core/errors.js';
import { safeXmlParser } from '../../core/safe-xml.js';
import { withUtf8Declaration } from '../../core/xml-text.js';
import type { CodeTables } from '../codes/code-tables.js';
import type { DecRecord, FieldValue } from '../model/record.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import { cebCrossRules } from './cross-rules.js';
import { checkLayoutFields } from '../validation/layout-fields.js';
import { CEB_LAYOUTS, CEB_NAMESPACE, type CebLayout, type CebMessageType } from './layout.js';

const parser = safeXmlParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

type Node = Record<string, unknown>;
const asList = (v: unknown): Node[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node];

/** One element's leaf children as a record, each field pointing at its element path. */
function recordOf(node: Node, path: string, file: string): DecRecord {
  const fields = new Map<string, FieldValue>();
  for (const [name, value] of Object.entries(node)) {
    if (name.startsWith('@') || name === '#text' || (value !== '' && typeof value === 'object'))
      continue;
    fields.set(name, { value: String(value ?? ''), origin: { file, path: `${path}/${name}` } });
  }
  return { fields, origin: { file, path } };
}

/** The root start tag declares its own prefix (or the default) as the CEB namespace. */
function rootInCebNamespace(text: string): boolean {
  const tag = /<(?:([A-Za-z_][\w.-]*):)?CEB\d{3}Message\b[^>]*>/.exec(text);
  if (!tag) return false;
  const attr = tag[1] ? `xmlns:${tag[1]}` : 'xmlns';
  return new RegExp(
    `\\s${attr.replace('.', '\\.')}\\s*=\\s*["']${CEB_NAMESPACE.replace(/[.]/g, '\\.')}["']`,
  ).test(tag[0]);
}

/**
 * Standard CEB311/CEB621 XML dropped as it is: read back into the same records the CEB mapping
 * produces, checked by the same field and cross-field rules, and passed on re-encoded as UTF-8.
 */
export class CebXmlTranslator implements Translator {
  readonly name = 'ceb-xml';

  constructor(
    private readonly options: { readonly codes: CodeTables; readonly validate?: boolean },
  ) {}

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    return [this.translateOne(bytes, ctx)];
  }

  /** The checks and the re-encoding, all synchronous: standard XML is one message. */
  translateOne(bytes: Buffer, ctx: TranslateContext): StandardMessage {
    const file = ctx.fileName;
    const parsed = parser.parseBytes(bytes, file);
    const text = parsed.decoded.text;
    const doc = parsed.doc as Node;
    const rootName = Object.keys(doc).find((k) => !k.startsWith('?'));
    const root = rootName ? (doc[rootName] as Node) : undefined;
    const type = /^(CEB311|CEB621)Message$/.exec(rootName ?? '')?.[1] as CebMessageType | undefined;
    if (!type || !root || !rootInCebNamespace(text)) {
      throw new GatewayError('GW_ERR_TRANSLATE_ROOT', {
        where: file,
        zh: `根元素应为命名空间 ${CEB_NAMESPACE} 下的 CEB311Message 或 CEB621Message，实际为 ${rootName ?? '（无）'}`,
        en: `the root must be CEB311Message or CEB621Message in ${CEB_NAMESPACE}, found ${rootName ?? '(none)'}`,
      });
    }
    const layout: CebLayout = CEB_LAYOUTS[type];
    const body = asList(root[layout.node])[0] ?? {};
    const blocks = new Map<string, DecRecord[]>();
    for (const block of layout.blocks) {
      const parent = block.key === 'BaseTransfer' ? root : body;
      const base = block.key === 'BaseTransfer' ? `/${rootName}` : `/${rootName}/${layout.node}`;
      blocks.set(
        block.key,
        asList(parent[block.key]).map((n, i) =>
          recordOf(n, `${base}/${block.key}${block.repeated ? `[${i + 1}]` : ''}`, file),
        ),
      );
    }
    if (this.options.validate ?? true) {
      const problems = [
        ...checkLayoutFields(layout, blocks, this.options.codes, file, new Set()),
        ...cebCrossRules(layout, blocks, file),
      ];
      if (problems.length) throw new GatewayError('GW_ERR_VALIDATION', problems);
    }
    const head = blocks.get(layout.blocks.find((b) => b.key.endsWith('Head'))!.key)?.[0];
    const key =
      head?.fields.get(type === 'CEB311' ? 'orderNo' : 'copNo')?.value ||
      head?.fields.get('guid')?.value ||
      '';
    if (!key) {
      throw new GatewayError('GW_ERR_TRANSLATE_FIELD', {
        where: file,
        zh: '缺少订单编号/企业内部编号',
        en: 'orderNo / copNo is missing',
      });
    }
    return { messageType: `${type}Message`, xml: withUtf8Declaration(text), businessKey: key };
  }
}
