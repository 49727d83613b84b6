import { Readable } from 'node:stream';
import { GatewayError } from '../../core/errors.js';
import type { CodeTables } from '../codes/code-tables.js';
import type { DecRecord } from '../model/record.js';
import { evaluateMapping } from '../mapping/evaluate.js';
import type { LoadedFamilyMapping } from '../mapping/family-schema.js';
import type { BlockMappings, TargetLayout } from '../mapping/layout.js';
import type { SourceDocument, SourceRecord, SourceSection } from '../source/document.js';
import { problem, type TranslateProblem } from '../source/problems.js';
import type { TextEncodingSetting } from '../source/text-encoding.js';
import type { StandardMessage, TranslateContext, Translator } from '../translator.js';
import { layoutProblem } from '../validation/field-problem.js';
import { checkLayoutFields } from '../validation/layout-fields.js';
import { equipmentProblems } from './equipment.js';
import { streamCsvRecords } from './csv-stream.js';
import { manifestNamespace, type ManifestLayout } from './layout.js';
import { writePaths } from './xml-writer.js';
import { problemsCode } from '../mapping/mapping-rules.js';

export interface ManifestTranslatorOptions {
  /** A manifest mapping (`message: MT1101` …), see loadManifestMapping. */
  readonly mapping: LoadedFamilyMapping;
  readonly codes: CodeTables;
  readonly encoding?: TextEncodingSetting | undefined;
  readonly validate?: boolean | undefined;
}

/** Where the translated XML goes, chunk by chunk. */
export type XmlSink = (chunk: string) => void | Promise<void>;

/** Stop collecting after this many problems: a broken 20k-bill file must not fill the memory with them. */
const MAX_PROBLEMS = 1000;
/** Declaration elements written after the bills. */
const TRAILING = 'AdditionalInformation/';

const section = (name: string, records: readonly SourceRecord[], file: string): SourceSection => ({
  name,
  pos: records[0]?.pos ?? { file },
  records,
});

/**
 * Enterprise CSV (or JSON/XML through the document readers) -> 舱单 MT1101 / MT2101 / MT3101
 * (and air MT1201 / MT2201 / MT3201), MT4101 装载舱单 and the 理货报告 MT5101 / MT5102 / MT5201 / MT5202. Bills are mapped, checked and written one at a time, so
 * `translateStream` runs in memory bounded by one bill plus the set of bill numbers (for the
 * duplicate check). businessKey = Head/MessageID.
 */
export class ManifestTranslator implements Translator {
  readonly name = 'manifest';
  private readonly layout: ManifestLayout;

  constructor(private readonly options: ManifestTranslatorOptions) {
    this.layout = options.mapping.layout as ManifestLayout;
  }

  async translate(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]> {
    const chunks: string[] = [];
    const r = await this.translateStream(
      Readable.from([bytes]),
      (c) => void chunks.push(c),
      ctx.fileName,
    );
    return [
      {
        messageType: this.layout.message,
        xml: chunks.join(''),
        businessKey: r.businessKey,
        correlationKeys: r.billNos.map((b) => `bill:${b}`),
      },
    ];
  }

  /**
   * Streams a record-type CSV from `input` to `sink`. The sink sees the XML as it is made; on
   * any problem the whole file's problems are thrown at the end and the caller must discard
   * what the sink received (write to a temporary file, rename on success).
   */
  async translateStream(
    input: Readable,
    sink: XmlSink,
    file: string,
  ): Promise<{ businessKey: string; bills: number; billNos: string[] }> {
    const { mapping } = this.options.mapping;
    const csv = mapping.input.csv;
    const layout = this.layout;
    const problems: TranslateProblem[] = [];
    const add = (ps: readonly TranslateProblem[]): void => {
      for (const p of ps) if (problems.length < MAX_PROBLEMS) problems.push(p);
    };
    const validate = this.options.validate ?? mapping.validation.enabled;
    const encoding = this.options.encoding ?? mapping.input.encoding;
    let headRecord: SourceRecord | undefined;
    let index = 0;
    let businessKey = '';
    let trailer = '';
    const bills = new Map<string, number>();
    const headOnly = {
      ...this.options.mapping,
      mapping: {
        ...mapping,
        blocks: { Head: mapping.blocks['Head'], Declaration: mapping.blocks['Declaration'] },
      },
    };
    const billOnly = {
      ...this.options.mapping,
      mapping: { ...mapping, blocks: { Consignment: mapping.blocks['Consignment'] } },
    };

    const startHead = async (rec: SourceRecord | undefined): Promise<void> => {
      const doc: SourceDocument = {
        file,
        format: 'csv',
        sections: new Map([['head', section('head', rec ? [rec] : [], file)]]),
      };
      const ev = evaluateMapping({ doc, loaded: headOnly, codes: this.options.codes, layout });
      const blocks = ev.model.blocks as ReadonlyMap<string, readonly DecRecord[]>;
      add(ev.problems);
      if (validate)
        add(
          checkLayoutFields(
            { ...layout, blocks: layout.blocks.slice(0, 2) },
            blocks,
            this.options.codes,
            file,
            ev.reported,
          ),
        );
      const h = blocks.get('Head')?.[0];
      const type = h?.fields.get('MessageType')?.value || layout.message;
      businessKey = h?.fields.get('MessageID')?.value ?? '';
      await sink(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Manifest xmlns="${manifestNamespace(type)}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n`,
      );
      await sink(
        `  <Head>\n${h ? writePaths(layout.blocks[0]!.fields, h, 2) : ''}  </Head>\n  <Declaration>\n`,
      );
      const d = blocks.get('Declaration')?.[0];
      // The remark (AdditionalInformation) closes the Declaration, after the bills.
      const fields = layout.blocks[1]!.fields;
      if (d)
        await sink(
          writePaths(
            fields.filter((x) => !x.name.startsWith(TRAILING)),
            d,
            2,
          ),
        );
      trailer = d
        ? writePaths(
            fields.filter((x) => x.name.startsWith(TRAILING)),
            d,
            2,
          )
        : '';
    };

    for await (const { section: name, record } of streamCsvRecords(input, {
      file,
      encoding,
      delimiter: csv.delimiter,
      typeColumn: csv.recordTypeColumn ?? '记录类型',
      sections: csv.sections,
    })) {
      if (name === 'head') {
        if (headRecord)
          add([
            problem(
              'section-records',
              record.pos,
              '只能有一条表头（H）记录',
              'there must be exactly one head (H) record',
            ),
          ]);
        else if (index > 0)
          add([
            problem(
              'head-order',
              record.pos,
              '表头（H）记录必须在提运单记录之前',
              'the head (H) record must come before the bill records',
            ),
          ]);
        else {
          headRecord = record;
          await startHead(record);
        }
        continue;
      }
      if (!headRecord && index === 0) {
        add([
          problem(
            'section-missing',
            record.pos,
            '文件第一条数据记录应为表头（H）',
            'the first data record must be the head (H) record',
          ),
        ]);
        await startHead(undefined);
      }
      await this.bill(record, index++, billOnly, file, bills, add, validate, sink);
    }
    if (!headRecord && index === 0)
      add([
        problem(
          'section-missing',
          { file },
          '文件没有表头和提运单记录',
          'the file has no head and no bill records',
        ),
      ]);
    await sink(`${trailer}  </Declaration>\n</Manifest>\n`);
    if (problems.length > 0) {
      throw new GatewayError(problemsCode(problems), problems);
    }
    // Keys are master\0house; MT9999 answers per master bill (提运单号).
    return {
      businessKey,
      bills: index,
      billNos: [...new Set([...bills.keys()].map((k) => k.split('\0')[0]!))],
    };
  }

  /** Maps, checks and writes one bill of lading. */
  private async bill(
    record: SourceRecord,
    index: number,
    loaded: { readonly file: string; readonly mapping: BlockMappings },
    file: string,
    bills: Map<string, number>,
    add: (ps: readonly TranslateProblem[]) => void,
    validate: boolean,
    sink: XmlSink,
  ): Promise<void> {
    const base = this.layout;
    // Each bill is evaluated on its own; labels count bills across the file, not within the one-record document.
    const layout: TargetLayout = {
      ...base,
      label: (b, i, n) => base.label(b, i === undefined ? i : i + index, n),
    };
    const doc: SourceDocument = {
      file,
      format: 'csv',
      sections: new Map([['bills', section('bills', [record], file)]]),
    };
    const ev = evaluateMapping({ doc, loaded, codes: this.options.codes, layout });
    add(ev.problems);
    const rec = (ev.model.blocks as ReadonlyMap<string, readonly DecRecord[]>).get(
      'Consignment',
    )?.[0];
    if (!rec) return;
    if (validate) {
      add(
        checkLayoutFields(
          { ...base, label: layout.label, blocks: [base.blocks[2]!] },
          new Map([['Consignment', [rec]]]),
          this.options.codes,
          file,
          ev.reported,
        ),
      );
      for (const p of equipmentProblems(rec))
        add([layoutProblem(layout, p.rule, 'Consignment', 0, p.field, rec, file, p.zh, p.en)]);
    }
    // A bill is identified by master + house bill number; the same pair twice is a duplicate.
    const billNo = `${rec.fields.get('TransportContractDocument/ID')?.value ?? ''}\u0000${rec.fields.get('AssociatedTransportDocument/ID')?.value ?? ''}`;
    const first = bills.get(billNo);
    if (first !== undefined && billNo !== '\u0000') {
      add([
        layoutProblem(
          layout,
          'duplicate-bill',
          'Consignment',
          0,
          'TransportContractDocument/ID',
          rec,
          file,
          `提运单号与第 ${first + 1} 票重复`,
          `the bill number repeats bill ${first + 1}`,
          { fixZh: '每个提运单只报一次', fixEn: 'declare each bill of lading once' },
        ),
      ]);
    } else bills.set(billNo, index);
    await sink(
      `    <Consignment>\n${writePaths(base.blocks[2]!.fields, rec, 3)}    </Consignment>\n`,
    );
  }
}
