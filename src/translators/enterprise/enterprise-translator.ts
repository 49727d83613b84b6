import { GatewayError } from '../../core/errors.js';
import { ecoInSpecForm } from '../dec/eco-spec-form.js';
import type { CodeTables } from '../codes/code-tables.js';
import { buildDecXml } from '../dec/xml-builder.js';
import { recordsOf, singleOf, valueOf, type DecModel } from '../model/record.js';
import { evaluateMapping } from '../mapping/evaluate.js';
import { missingColumns } from '../mapping/columns.js';
import type { LoadedMapping } from '../mapping/load.js';
import { linkParts, planParts } from '../mapping/split.js';
import type { InputFormat, SourceDocument } from '../source/document.js';
import { problem, type TranslateProblem } from '../source/problems.js';
import type { ReadOptions } from '../source/read-options.js';
import { detectFormat, readInput } from '../source/read-input.js';
import type { TextEncodingSetting } from '../source/text-encoding.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import type { DecRuleSettings } from '../validation/dec-rule-settings.js';
import { validateDec } from '../validation/validate-dec.js';
import { problemsCode } from '../mapping/mapping-rules.js';

export interface EnterpriseTranslatorOptions {
  readonly mapping: LoadedMapping;
  readonly codes: CodeTables;
  /** Overrides the mapping's input.format (channel config or `--format`). */
  readonly format?: InputFormat | 'auto' | undefined;
  /** Overrides the mapping's input.encoding. */
  readonly encoding?: TextEncodingSetting | undefined;
  /** Overrides the mapping's validation.enabled. */
  readonly validate?: boolean | undefined;
  /** Transit and 减免税 rule facts (channel translation.decRules); default the sourced values. */
  readonly rules?: DecRuleSettings | undefined;
}

/** Checks that always run, even with validation off: they protect the pipeline, not the filling rules. */
const ALWAYS = new Set(['control-chars', 'max-items', 'transit-data']);

/**
 * One message per cell and rule: a cell copied into several fields (CopCodeScc refers to
 * AgentCodeScc; DecSign reads the head row) would otherwise repeat the same complaint, and split
 * parts re-report head problems.
 */
function dedupe(problems: readonly TranslateProblem[]): TranslateProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const cell =
      (p.source && (p.source.column !== undefined || p.source.path !== undefined)) ||
      p.rule.startsWith('section-');
    const k = cell
      ? `${p.rule}\u0000${p.where ?? ''}`
      : `${p.rule}\u0000${p.where ?? ''}\u0000${p.field ?? ''}\u0000${p.en}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Enterprise files (CSV, JSON, Excel, XML) -> 报关单 DecMessage through a declarative mapping:
 * read -> check columns -> map -> split at 50 items (or reject) -> validate -> build XML.
 * Every problem of a file is collected and thrown as one GatewayError.
 */
export class EnterpriseTranslator implements Translator {
  readonly name = 'enterprise';

  constructor(private readonly options: EnterpriseTranslatorOptions) {}

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

  /** Reads the input into sections (asynchronous for .xlsx). */
  async read(bytes: Buffer, ctx: TranslateContext): Promise<SourceDocument> {
    return readInput(bytes, this.formatOf(bytes, ctx.fileName), this.readOptions(ctx.fileName));
  }

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    return this.fromDocument(await this.read(bytes, ctx));
  }

  /** Maps, splits, validates and builds; the part of translation after reading. Pure. */
  fromDocument(doc: SourceDocument): StandardMessage[] {
    return this.models(doc).map((model) => ({
      messageType: 'DecMessage',
      xml: buildDecXml(model),
      businessKey: valueOf(singleOf(model, 'DecSign'), 'ClientSeqNo'),
    }));
  }

  /** The validated models of a document (one per declaration); throws with every problem found. */
  models(doc: SourceDocument): DecModel[] {
    const { mapping, file: mappingFile } = this.options.mapping;
    const missing = missingColumns(doc, mapping);
    if (missing.length > 0) throw new GatewayError('GW_ERR_INPUT_COLUMNS', missing);

    const full = evaluateMapping({ doc, loaded: this.options.mapping, codes: this.options.codes });
    const problems: TranslateProblem[] = [...full.problems];
    const reported = new Set(full.reported);
    const count = recordsOf(full.model, 'DecList').length;
    const { split } = mapping;
    let models: DecModel[] = [full.model];
    if (count > split.maxItems && split.mode === 'split') {
      const parts = planParts(count, split.maxItems);
      const evaluated = parts.map((p) =>
        evaluateMapping({
          doc,
          loaded: this.options.mapping,
          codes: this.options.codes,
          itemIndices: p.itemIndices,
        }),
      );
      for (const e of evaluated) {
        problems.push(...e.problems);
        e.reported.forEach((r) => reported.add(r));
      }
      const linked = linkParts(
        full.model,
        parts,
        evaluated.map((e) => e.model),
        mapping,
        doc.file,
      );
      problems.push(...linked.problems);
      for (const p of linked.problems) if (p.field !== undefined) reported.add(p.field);
      models = linked.models;
    } else if (count > split.maxItems) {
      const items = recordsOf(full.model, 'DecList');
      problems.push(
        problem(
          'max-items',
          items[split.maxItems]?.origin ?? { file: doc.file },
          `商品共 ${count} 项，一份报关单最多 ${split.maxItems} 项，映射配置为拒收（split.mode: reject）`,
          `${count} items, a declaration holds at most ${split.maxItems} and the mapping rejects larger inputs (split.mode: reject)`,
          {
            field: `DecList[${split.maxItems + 1}]`,
            fixZh: `把文件拆成每份不超过 ${split.maxItems} 项，或在映射 ${mappingFile} 中设置 split.mode: split`,
            fixEn: `split the file into parts of at most ${split.maxItems} items, or set split.mode: split in ${mappingFile}`,
          },
        ),
      );
    }
    // EcoRelation in the spec form, where a mapping gives the CargoWise one (sources conflict).
    models = models.map(ecoInSpecForm);
    const validate = this.options.validate ?? mapping.validation.enabled;
    for (const model of models) {
      const found = validateDec(model, {
        codes: this.options.codes,
        file: doc.file,
        totalTolerance: mapping.validation.totalTolerance,
        maxItems: split.maxItems,
        ...(this.options.rules ? { rules: this.options.rules } : {}),
      });
      for (const p of found) {
        if (p.field !== undefined && reported.has(p.field)) continue;
        // The reject-mode check above reports max-items with the mapping's advice.
        if (p.rule === 'max-items') continue;
        if (validate || ALWAYS.has(p.rule) || p.field === 'DecSign.ClientSeqNo') problems.push(p);
      }
    }
    const all = dedupe(problems);
    if (all.length > 0) {
      throw new GatewayError(problemsCode(all), all);
    }
    return models;
  }
}
