import type { CodeTables } from '../codes/code-tables.js';
import { add, decimalOf, formatDecimal, mul, ZERO, type Decimal } from '../decimal.js';
import type { BlockKey } from '../model/field-spec.js';
import type { DecModel, DecRecord, FieldValue } from '../model/record.js';
import type { SourceDocument, SourceRecord } from '../source/document.js';
import type { SourcePos } from '../source/position.js';
import { problem, type TranslateProblem } from '../source/problems.js';
import { DEC_LAYOUT, type BlockMappings, type TargetLayout } from './layout.js';
import type { FieldRule } from './schema.js';
import { readDate, readNumber } from './values.js';

export interface EvaluateInput {
  readonly doc: SourceDocument;
  /** The mapping and the file it came from (a DecMessage LoadedMapping, or another family's). */
  readonly loaded: { readonly file: string; readonly mapping: BlockMappings };
  /** The target layout; DecMessage when absent. */
  readonly layout?: TargetLayout;
  readonly codes: CodeTables;
  /** Indices into the DecList source section for this message (a split part); all items when absent. */
  readonly itemIndices?: readonly number[];
}

export interface Evaluation {
  readonly model: DecModel;
  readonly problems: readonly TranslateProblem[];
  /** Fields (DecList[3].CodeTS) the mapping already complained about; validation skips them. */
  readonly reported: ReadonlySet<string>;
}

interface BlockSource {
  readonly records: readonly (SourceRecord | undefined)[];
  readonly origin: SourcePos;
}

const PENDING = Symbol('pending');

/**
 * Applies a mapping to a source document, producing the DecModel of one message. Lazy and
 * memoised per field, so `ref`, `multiply` and `sum` can use fields in any order; a reference
 * cycle is reported rather than looping.
 */
class Evaluator {
  private readonly memo = new Map<string, FieldValue | typeof PENDING>();
  private readonly sources = new Map<string, BlockSource>();
  readonly problems: TranslateProblem[] = [];
  readonly reported = new Set<string>();
  private readonly file: string;
  private readonly layout: TargetLayout;

  constructor(private readonly input: EvaluateInput) {
    this.file = input.doc.file;
    this.layout = input.layout ?? DEC_LAYOUT;
    for (const spec of this.layout.blocks) {
      const block = input.loaded.mapping.blocks[spec.key];
      if (block)
        this.sources.set(
          spec.key,
          this.sourceOf(spec.key, spec.repeated, block.from, spec.optional ?? false),
        );
    }
  }

  private mappingPos(path: string): SourcePos {
    return { file: this.input.loaded.file, path };
  }

  private sourceOf(
    key: string,
    repeated: boolean,
    from: string | undefined,
    optional: boolean,
  ): BlockSource {
    const mappingOrigin = this.mappingPos(`blocks.${key}`);
    if (!from) return { records: [undefined], origin: mappingOrigin };
    const section = this.input.doc.sections.get(from);
    const origin = section?.pos ?? { file: this.file };
    if (repeated) {
      const all = section?.records ?? [];
      const records =
        key === this.layout.itemBlock && this.input.itemIndices
          ? this.input.itemIndices.map((i) => all[i]!)
          : all;
      return { records, origin };
    }
    const recs = section?.records ?? [];
    // An optional single block (TrnHead) is simply absent when its section is.
    if (optional && recs.length === 0) return { records: [], origin };
    const zh = this.layout.blocks.find((b) => b.key === key)?.zh ?? key;
    if (recs.length === 0) {
      this.problems.push(
        problem(
          'section-missing',
          origin,
          `缺少${zh}数据（分段 ${from}）`,
          `the ${from} section with the ${key} data is missing or empty`,
          { field: key, fixZh: `提供一条 ${from} 记录`, fixEn: `provide one ${from} record` },
        ),
      );
    } else if (recs.length > 1) {
      this.problems.push(
        problem(
          'section-records',
          recs[1]!.pos,
          `${from} 分段有 ${recs.length} 条记录，应只有 1 条`,
          `the ${from} section has ${recs.length} records, expected exactly 1`,
          {
            field: key,
            fixZh: '一个文件只放一份报关单的表头',
            fixEn: 'put the head of exactly one declaration in a file',
          },
        ),
      );
    }
    return { records: [recs[0]], origin: recs[0]?.pos ?? origin };
  }

  private fail(
    rule: string,
    key: string,
    index: number | undefined,
    name: string,
    pos: SourcePos,
    zh: string,
    en: string,
    fixZh?: string,
    fixEn?: string,
  ): void {
    const l = this.layout.label(key, index, name);
    this.reported.add(l.field);
    this.problems.push(
      problem(rule, pos, `${l.zh}：${zh}`, `${l.en}: ${en}`, {
        field: l.field,
        fieldZh: l.fieldZh,
        ...(fixZh ? { fixZh } : {}),
        ...(fixEn ? { fixEn } : {}),
      }),
    );
  }

  /** The value of a mapped field, or undefined when the mapping does not map it. */
  field(key: string, index: number, name: string): FieldValue | undefined {
    const rule = this.input.loaded.mapping.blocks[key]?.fields[name];
    if (!rule) return undefined;
    const memoKey = `${key}#${index}#${name}`;
    const hit = this.memo.get(memoKey);
    if (hit === PENDING) {
      this.fail(
        'mapping-cycle',
        key,
        index,
        name,
        this.mappingPos(`blocks.${key}.fields.${name}`),
        '映射中的 ref/multiply/sum 构成循环引用',
        'ref/multiply/sum in the mapping form a cycle',
      );
      return { value: '' };
    }
    if (hit) return hit;
    this.memo.set(memoKey, PENDING);
    const v = this.transform(key, index, name, rule, this.source(key, index, name, rule));
    this.memo.set(memoKey, v);
    return v;
  }

  private record(key: string, index: number): SourceRecord | undefined {
    return this.sources.get(key)?.records[index];
  }

  recordOrigin(key: string, index: number): SourcePos {
    return this.record(key, index)?.pos ?? this.sources.get(key)?.origin ?? { file: this.file };
  }

  recordCount(key: string): number {
    return this.sources.get(key)?.records.length ?? 0;
  }

  private cell(rec: SourceRecord | undefined, column: string, fallback: SourcePos): FieldValue {
    const c = rec?.cells.get(column);
    return c
      ? { value: c.value, origin: c.pos }
      : { value: '', origin: { ...(rec?.pos ?? fallback), columnName: column } };
  }

  private source(key: string, index: number, name: string, rule: FieldRule): FieldValue {
    const rec = this.record(key, index);
    const here = this.recordOrigin(key, index);
    if (rule.column !== undefined) return this.cell(rec, rule.column, here);
    if (rule.headColumn !== undefined)
      return this.cell(
        this.record(this.layout.headBlock, 0),
        rule.headColumn,
        this.recordOrigin(this.layout.headBlock, 0),
      );
    if (rule.const !== undefined)
      return { value: rule.const, origin: this.mappingPos(`blocks.${key}.fields.${name}.const`) };
    if (rule.seq) return { value: String(index + 1), origin: here };
    if (rule.ref !== undefined) {
      const [b, f] = rule.ref.includes('.')
        ? (rule.ref.split('.') as [string, string])
        : [key, rule.ref];
      const v = this.field(b, b === key ? index : 0, f) ?? { value: '' };
      return { ...v, copyOf: `${b}.${f}` };
    }
    if (rule.multiply) {
      const [a, b] = rule.multiply.map((f) => this.field(key, index, f));
      const x = a ? readNumber(a.value) : undefined;
      const y = b ? readNumber(b.value) : undefined;
      // An operand that is not a number is reported where it is mapped; the product stays empty.
      return { value: x && y ? formatDecimal(mul(x, y)) : '', origin: a?.origin ?? here };
    }
    if (rule.sum !== undefined) {
      let total: Decimal = ZERO;
      const items = this.layout.itemBlock;
      for (let i = 0; i < this.recordCount(items); i++) {
        const v = this.field(items, i, rule.sum);
        const n = v && v.value !== '' ? readNumber(v.value) : undefined;
        if (!n) {
          this.fail(
            'sum-operand',
            items,
            i,
            rule.sum,
            v?.origin ?? this.recordOrigin('DecList', i),
            `求和（${key}.${name}）需要数值，实际为“${v?.value ?? ''}”`,
            `the sum for ${key}.${name} needs a number, found "${v?.value ?? ''}"`,
          );
          return { value: '', origin: here };
        }
        total = add(total, n);
      }
      return { value: formatDecimal(total), origin: here };
    }
    // template
    let first: SourcePos | undefined;
    let any = false;
    const text = rule.template!.replace(/\{([^{}]+)\}/g, (_, col: string) => {
      const c = this.cell(rec, col, here);
      first ??= c.origin;
      if (c.value !== '') any = true;
      return c.value;
    });
    return { value: any ? text : '', origin: first ?? here };
  }

  private transform(
    key: string,
    index: number,
    name: string,
    rule: FieldRule,
    src: FieldValue,
  ): FieldValue {
    const origin = src.origin ?? this.recordOrigin(key, index);
    let value = src.value;
    if (value === '' && rule.default !== undefined) value = rule.default;
    const mapping = this.input.loaded.mapping;
    if (value !== '' && rule.map !== undefined) {
      const table = typeof rule.map === 'string' ? mapping.valueMaps[rule.map]! : rule.map;
      const hit = table[value] ?? table[value.normalize('NFKC')];
      if (hit !== undefined) value = hit;
      else if (!rule.passthrough && !rule.lookup) {
        const keys = Object.keys(table);
        this.fail(
          'value-map',
          key,
          index,
          name,
          origin,
          `“${value}”不在映射表中（可用：${keys.slice(0, 12).join('、')}）`,
          `"${value}" is not in the value map (known: ${keys.slice(0, 12).join(', ')})`,
          `改为映射表中的值，或在映射文件中补充“${value}”`,
          `use a listed value, or add "${value}" to the mapping`,
        );
        return { value, origin };
      }
    }
    if (value !== '' && rule.lookup !== undefined) {
      const table = this.input.codes.get(rule.lookup);
      const code = table.lookup(value);
      if (code === undefined) {
        this.fail(
          'lookup',
          key,
          index,
          name,
          origin,
          `“${value}”不是有效的${table.titleZh}代码或名称`,
          `"${value}" is not a ${table.titleEn} code or name`,
          `填写代码或标准名称，例如 ${table.sample()}`,
          `write a code or its standard name, e.g. ${table.sample()}`,
        );
        return { value, origin };
      }
      value = code;
    }
    const kind = this.layout.blocks
      .find((b) => b.key === key)
      ?.fields.find((f) => f.name === name)?.kind;
    const numeric =
      kind?.t === 'number' ||
      rule.factor !== undefined ||
      rule.unit !== undefined ||
      rule.decimals !== undefined;
    if (value !== '' && numeric) {
      const n = readNumber(value);
      if (n) {
        let x = n;
        if (rule.factor !== undefined) x = mul(x, decimalOf(rule.factor));
        if (rule.unit) {
          const unitCell = this.cell(this.record(key, index), rule.unit.column, origin);
          const f =
            rule.unit.factors[unitCell.value] ??
            rule.unit.factors[unitCell.value.normalize('NFKC')];
          if (f === undefined) {
            const known = Object.keys(rule.unit.factors).join('、');
            this.fail(
              'unit',
              key,
              index,
              name,
              unitCell.origin ?? origin,
              `单位“${unitCell.value}”无法换算（可用：${known}）`,
              `unit "${unitCell.value}" cannot be converted (known: ${known})`,
            );
            return { value, origin };
          }
          x = mul(x, decimalOf(f));
        }
        const decimals = rule.decimals ?? (kind?.t === 'number' ? kind.frac : undefined);
        // Round to the field's N-format only when a conversion produced the extra digits; a value the
        // enterprise wrote with too many decimals is the validator's to report, not ours to hide.
        const converted = rule.factor !== undefined || rule.unit !== undefined;
        value = formatDecimal(
          x,
          rule.decimals !== undefined || converted
            ? {
                ...(decimals !== undefined ? { decimals } : {}),
                ...(rule.fixed ? { fixed: true } : {}),
              }
            : {},
        );
      }
    }
    if (value !== '' && (kind?.t === 'date' || kind?.t === 'datetime'))
      value = readDate(value, kind.t) ?? value;
    if (rule.upper) value = value.toUpperCase();
    return {
      value,
      origin,
      ...(src.copyOf !== undefined && value === src.value ? { copyOf: src.copyOf } : {}),
    };
  }
}

/** Builds one message's model from the source document and the mapping. */
export function evaluateMapping(input: EvaluateInput): Evaluation {
  const ev = new Evaluator(input);
  const blocks = new Map<string, DecRecord[]>();
  for (const spec of (input.layout ?? DEC_LAYOUT).blocks) {
    const block = input.loaded.mapping.blocks[spec.key];
    if (!block) continue;
    const recs: DecRecord[] = [];
    for (let i = 0; i < ev.recordCount(spec.key); i++) {
      const fields = new Map<string, FieldValue>();
      for (const name of Object.keys(block.fields)) fields.set(name, ev.field(spec.key, i, name)!);
      recs.push({ fields, origin: ev.recordOrigin(spec.key, i) });
    }
    blocks.set(spec.key, recs);
  }
  // Block keys come from the layout; for DecMessage they are BlockKeys, other families read them as strings.
  const { version, versionAttribute } = input.loaded.mapping;
  return {
    model: {
      version,
      ...(versionAttribute ? { versionAttribute } : {}),
      blocks: blocks as Map<BlockKey, DecRecord[]>,
    },
    problems: ev.problems,
    reported: ev.reported,
  };
}
