import { GatewayError } from '../../core/errors.js';
import type { CodeTables } from '../codes/code-tables.js';
import type { DecRecord } from '../model/record.js';
import { checkLayoutFields } from '../validation/layout-fields.js';
import { stableGuid } from '../ceb/guid.js';
import { missingColumns } from '../mapping/columns.js';
import { evaluateMapping } from '../mapping/evaluate.js';
import type { InputFormat, SourceDocument } from '../source/document.js';
import type { TranslateProblem } from '../source/problems.js';
import { detectFormat, readInput } from '../source/read-input.js';
import type { ReadOptions } from '../source/read-options.js';
import type { TextEncodingSetting } from '../source/text-encoding.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import { jin2CrossRules } from './cross-rules.js';
import type { Jin2Layout } from './layout.js';
import type { LoadedJin2Mapping } from './mapping.js';
import { buildJin2Xml } from './xml-builder.js';
import { problemsCode } from '../mapping/mapping-rules.js';

export interface Jin2TranslatorOptions {
  /** A 金二 mapping (`message: INV101`, `SAS101`, `SAS111` or `SAS121`), see loadJin2Mapping. */
  readonly mapping: LoadedJin2Mapping;
  readonly codes: CodeTables;
  readonly format?: InputFormat | 'auto' | undefined;
  readonly encoding?: TextEncodingSetting | undefined;
  /** Overrides the mapping's validation.enabled. */
  readonly validate?: boolean | undefined;
}

/** Checked with validation off too: without them receipts cannot be matched or the XML is unusable. */
const ALWAYS = new Set(['control-chars', 'key-missing']);

/**
 * Enterprise files (CSV, JSON, Excel, XML) -> one 金二 message (核注清单 INV101, 业务申报表 SAS101,
 * 出入库单 SAS111, 核放单 SAS121) through a declarative mapping: read -> check columns -> map ->
 * validate against the XSD facets and the cross rules -> build. message_id (and pocket_id) derive
 * from the content, so a re-translation gives the same message. businessKey: INV101
 * etpsInnerInvtNo; otherwise EnvelopInfo/business_id, else the message_id.
 */
export class Jin2Translator implements Translator {
  readonly name = 'jin2';
  private readonly layout: Jin2Layout;

  constructor(private readonly options: Jin2TranslatorOptions) {
    this.layout = options.mapping.family.layout as Jin2Layout;
  }

  private readOptions(file: string): ReadOptions {
    const input = this.options.mapping.family.mapping.input;
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
    const f = this.options.format ?? this.options.mapping.family.mapping.input.format;
    return f === 'auto' ? detectFormat(bytes, fileName) : f;
  }

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    return [
      this.fromDocument(
        await readInput(bytes, this.formatOf(bytes, ctx.fileName), this.readOptions(ctx.fileName)),
      ),
    ];
  }

  /** Maps, validates and builds one message from a read document. */
  fromDocument(doc: SourceDocument): StandardMessage {
    const { family, output } = this.options.mapping;
    const layout = this.layout;
    const missing = missingColumns(doc, family.mapping, layout.headBlock);
    if (missing.length > 0) throw new GatewayError('GW_ERR_INPUT_COLUMNS', missing);

    const ev = evaluateMapping({ doc, loaded: family, codes: this.options.codes, layout });
    const blocks = ev.model.blocks as ReadonlyMap<string, readonly DecRecord[]>;
    const problems: TranslateProblem[] = [...ev.problems];
    const validate = this.options.validate ?? family.mapping.validation.enabled;
    const found = [
      ...checkLayoutFields(layout, blocks, this.options.codes, doc.file, ev.reported),
      ...jin2CrossRules(layout, blocks, doc.file),
    ];
    for (const p of found) if (validate || ALWAYS.has(p.rule)) problems.push(p);
    if (problems.length > 0) {
      throw new GatewayError(problemsCode(problems), problems);
    }
    // Derived from the content rather than the file bytes: an .xlsx saved again is the same message.
    const messageId = stableGuid(
      layout.message,
      buildJin2Xml(layout, blocks, { messageId: '', fileName: '' }, output),
    );
    const xml = buildJin2Xml(
      layout,
      blocks,
      { messageId, fileName: `${messageId}.${layout.fileSuffix}` },
      output,
    );
    const text = (block: string, name: string): string =>
      blocks.get(block)?.[0]?.fields.get(name)?.value ?? '';
    const key =
      (layout.keyField ? text(layout.headBlock, layout.keyField) : '') ||
      text('EnvelopInfo', 'business_id') ||
      messageId;
    // SAS200 子报文入库回执 quote the pocket_id (= message_id) before any number is known.
    return {
      messageType: layout.message,
      xml,
      businessKey: key,
      correlationKeys: [`pocket:${messageId}`],
    };
  }
}
