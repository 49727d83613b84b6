import { GatewayError } from '../../core/errors.js';
import { safeXmlParser } from '../../core/safe-xml.js';
import { withUtf8Declaration } from '../../core/xml-text.js';
import type { CodeTables } from '../codes/code-tables.js';
import { containerCheckDigit, containerProblem } from '../validation/check-digits.js';
import type { DecRecord, FieldValue } from '../model/record.js';
import { layoutProblem } from '../validation/field-problem.js';
import { checkLayoutFields } from '../validation/layout-fields.js';
import type { TranslateProblem } from '../source/problems.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import {
  MANIFEST_LAYOUTS,
  MANIFEST_TYPES,
  manifestNamespace,
  type ManifestType,
} from './layout.js';

const parser = safeXmlParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'Consignment' || name === 'TransportEquipment',
});

type Node = Record<string, unknown>;

/** Leaf descendants of an element as `A/B/C` paths, the way the manifest layout names its fields. */
function flatten(node: Node, prefix: string, out: Map<string, string>): void {
  for (const [name, value] of Object.entries(node)) {
    const key = prefix ? `${prefix}/${name}` : name;
    if (Array.isArray(value)) continue; // repeated children (containers) are read on their own
    if (value !== null && typeof value === 'object') flatten(value as Node, key, out);
    else out.set(key, String(value ?? ''));
  }
}

function recordOf(node: Node, path: string, file: string): DecRecord {
  const flat = new Map<string, string>();
  flatten(node, '', flat);
  const fields = new Map<string, FieldValue>(
    [...flat].map(([k, v]) => [k, { value: v, origin: { file, path: `${path}/${k}` } }]),
  );
  return { fields, origin: { file, path } };
}

/**
 * Standard 舱单 XML (MT1101/MT2101/MT3101, sea and air) dropped as it is: the same field rules
 * as a mapped manifest, container check digits, duplicate bills; passed on re-encoded as UTF-8,
 * with its bill numbers as correlation keys for the MT9999 answers.
 */
export class ManifestXmlTranslator implements Translator {
  readonly name = 'manifest-xml';

  constructor(
    private readonly options: { readonly codes: CodeTables; readonly validate?: boolean },
  ) {}

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    return [this.translateOne(bytes, ctx)];
  }

  /** The checks and the re-encoding, all synchronous: standard XML is one message. */
  translateOne(bytes: Buffer, ctx: TranslateContext): StandardMessage {
    const file = ctx.fileName;
    const { doc, decoded } = parser.parseBytes(bytes, file);
    const text = decoded.text;
    const root = (doc as Node).Manifest as Node | undefined;
    const type = MANIFEST_TYPES.find((t) => text.includes(`"${manifestNamespace(t)}"`)) as
      ManifestType | undefined;
    if (!root || !type) {
      throw new GatewayError('GW_ERR_TRANSLATE_ROOT', {
        where: file,
        zh: `根元素应为 Manifest，命名空间 urn:Declaration:datamodel:standard:CN:MTxxxx:1（${MANIFEST_TYPES.join('、')}）`,
        en: `the root must be Manifest in urn:Declaration:datamodel:standard:CN:MTxxxx:1 (${MANIFEST_TYPES.join(', ')})`,
      });
    }
    const layout = MANIFEST_LAYOUTS[type];
    const decl = (root.Declaration ?? {}) as Node;
    const consignments = (decl.Consignment ?? []) as Node[];
    const head = recordOf((root.Head ?? {}) as Node, '/Manifest/Head', file);
    const declaration = recordOf(decl, '/Manifest/Declaration', file);
    const bills = consignments.map((c, i) =>
      recordOf(c, `/Manifest/Declaration/Consignment[${i + 1}]`, file),
    );
    if (this.options.validate ?? true) {
      const problems: TranslateProblem[] = [
        ...checkLayoutFields(
          { ...layout, blocks: layout.blocks.slice(0, 2) },
          new Map([
            ['Head', [head]],
            ['Declaration', [declaration]],
          ]),
          this.options.codes,
          file,
          new Set(),
        ),
        ...checkLayoutFields(
          { ...layout, blocks: [layout.blocks[2]!] },
          new Map([['Consignment', bills]]),
          this.options.codes,
          file,
          new Set(),
        ),
      ];
      const seen = new Map<string, number>();
      consignments.forEach((c, i) => {
        const ids = ((c.TransportEquipment ?? []) as Node[]).map((e) =>
          String(((e.EquipmentIdentification ?? {}) as Node).ID ?? ''),
        );
        for (const id of ids.filter(Boolean)) {
          const p = containerProblem(id);
          if (p) {
            problems.push(
              layoutProblem(
                layout,
                p === 'shape' ? 'container-format' : 'container-check',
                'Consignment',
                i,
                'TransportEquipment',
                bills[i],
                file,
                p === 'shape'
                  ? `集装箱号“${id}”格式不对`
                  : `集装箱号“${id}”校验位错误，应为 ${containerCheckDigit(id.slice(0, 10))}`,
                p === 'shape'
                  ? `container number "${id}" has the wrong shape`
                  : `container number "${id}" fails the ISO 6346 check digit (should end in ${containerCheckDigit(id.slice(0, 10))})`,
              ),
            );
          }
        }
        const bill = `${bills[i]!.fields.get('TransportContractDocument/ID')?.value ?? ''}\u0000${bills[i]!.fields.get('AssociatedTransportDocument/ID')?.value ?? ''}`;
        if (seen.has(bill))
          problems.push(
            layoutProblem(
              layout,
              'duplicate-bill',
              'Consignment',
              i,
              'TransportContractDocument/ID',
              bills[i],
              file,
              `提运单号与第 ${seen.get(bill)! + 1} 票重复`,
              `the bill number repeats bill ${seen.get(bill)! + 1}`,
            ),
          );
        else seen.set(bill, i);
      });
      if (problems.length) throw new GatewayError('GW_ERR_VALIDATION', problems);
    }
    const messageId = head.fields.get('MessageID')?.value ?? '';
    if (!messageId)
      throw new GatewayError('GW_ERR_TRANSLATE_FIELD', {
        where: `${file}, /Manifest/Head/MessageID`,
        zh: '缺少报文编号 MessageID',
        en: 'MessageID is missing',
      });
    const billNos = [
      ...new Set(
        bills.map((b) => b.fields.get('TransportContractDocument/ID')?.value ?? '').filter(Boolean),
      ),
    ];
    return {
      messageType: type,
      xml: withUtf8Declaration(text),
      businessKey: messageId,
      correlationKeys: billNos.map((b) => `bill:${b}`),
    };
  }
}
