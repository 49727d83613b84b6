import { GatewayError } from '../../core/errors.js';
import type { CodeTables } from '../codes/code-tables.js';
import type { DecModel, DecRecord, FieldValue } from '../model/record.js';
import { missingColumns } from '../mapping/columns.js';
import { evaluateMapping } from '../mapping/evaluate.js';
import type { LoadedFamilyMapping } from '../mapping/family-schema.js';
import type { InputFormat, SourceDocument } from '../source/document.js';
import type { TranslateProblem } from '../source/problems.js';
import { detectFormat, readInput } from '../source/read-input.js';
import type { ReadOptions } from '../source/read-options.js';
import type { TextEncodingSetting } from '../source/text-encoding.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import { cebCrossRules } from './cross-rules.js';
import { checkLayoutFields } from '../validation/layout-fields.js';
import { stableGuid } from './guid.js';
import type { CebLayout } from './layout.js';
import { buildCebXml } from './xml-builder.js';
import { problemsCode } from '../mapping/mapping-rules.js';

export interface CebTranslatorOptions {
  /** A CEB mapping (`message: CEB311` or `CEB621`), see loadCebMapping. */
  readonly mapping: LoadedFamilyMapping;
  readonly codes: CodeTables;
  readonly format?: InputFormat | 'auto' | undefined;
  readonly encoding?: TextEncodingSetting | undefined;
  /** Overrides the mapping's validation.enabled. */
  readonly validate?: boolean | undefined;
}

/** Always checked, validation on or off: without them the message is not a CEB message at all. */
const ALWAYS = new Set(['control-chars', 'max-items', 'items-missing']);

/**
 * Enterprise files (CSV, JSON, Excel, XML) -> one CEB311 order or CEB621 inventory, through a
 * declarative mapping: read -> check columns -> map -> guid -> validate -> build. The guid is
 * derived from the input bytes (see stableGuid), so a re-translation gives the same message.
 * businessKey: CEB311 orderNo (the guid when empty), CEB621 copNo.
 */
export class CebTranslator implements Translator {
  readonly name = 'ceb';
  private readonly layout: CebLayout;

  constructor(private readonly options: CebTranslatorOptions) {
    this.layout = options.mapping.layout as CebLayout;
  }

  private readOptions(file: string): ReadOptions {
    const input = this.options.mapping.mapping.input;
    return {
      file,
      encoding: this.options.encoding ?? input.encoding,
      maxCellChars: input.maxCellChars,
      csv: input.csv,
      xlsx: input.xlsx,
      json: input.json,
      xml: input.xml,
    };
  }

  private formatOf(bytes: Buffer, fileName: string): InputFormat {
    const f = this.options.format ?? this.options.mapping.mapping.input.format;
    return f === 'auto' ? detectFormat(bytes, fileName) : f;
  }

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    return [
      this.fromDocument(
        await readInput(bytes, this.formatOf(bytes, ctx.fileName), this.readOptions(ctx.fileName)),
        bytes,
      ),
    ];
  }

  /** Maps, validates and builds one message from a read document; `bytes` seed the guid. */
  fromDocument(doc: SourceDocument, bytes: Uint8Array): StandardMessage {
    const { mapping } = this.options.mapping;
    const layout = this.layout;
    const missing = missingColumns(doc, mapping, layout.headBlock);
    if (missing.length > 0) throw new GatewayError('GW_ERR_INPUT_COLUMNS', missing);

    const ev = evaluateMapping({
      doc,
      loaded: this.options.mapping,
      codes: this.options.codes,
      layout,
    });
    const blocks = new Map(ev.model.blocks as ReadonlyMap<string, readonly DecRecord[]>);
    const guid = stableGuid(layout.message, bytes);
    // The head guid is the message guid unless the enterprise supplies its own (samples reuse one).
    const head = blocks.get(layout.headBlock)?.[0];
    if (head && (head.fields.get('guid')?.value ?? '') === '') {
      const fields = new Map<string, FieldValue>(head.fields);
      fields.set('guid', { value: guid, ...(head.origin ? { origin: head.origin } : {}) });
      blocks.set(layout.headBlock, [{ fields, ...(head.origin ? { origin: head.origin } : {}) }]);
    }

    const problems: TranslateProblem[] = [...ev.problems];
    const validate = this.options.validate ?? mapping.validation.enabled;
    const found = [
      ...checkLayoutFields(layout, blocks, this.options.codes, doc.file, ev.reported),
      ...cebCrossRules(layout, blocks, doc.file),
    ];
    for (const p of found) if (validate || ALWAYS.has(p.rule)) problems.push(p);
    if (problems.length > 0) {
      throw new GatewayError(problemsCode(problems), problems);
    }
    const model: DecModel = { version: mapping.version, blocks: blocks as DecModel['blocks'] };
    const headRec = blocks.get(layout.headBlock)?.[0];
    const key =
      layout.message === 'CEB311'
        ? headRec?.fields.get('orderNo')?.value || guid
        : (headRec?.fields.get('copNo')?.value ?? '');
    return {
      messageType: `${layout.message}Message`,
      xml: buildCebXml(layout, model, guid),
      businessKey: key,
    };
  }
}
