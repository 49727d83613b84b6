import type { SourceDocument } from '../source/document.js';
import { problem, type TranslateProblem } from '../source/problems.js';
import type { BlockMappings } from './layout.js';
import type { FieldRule, Mapping } from './schema.js';

/** The source columns a rule reads from its own record, and from the head record. */
export function columnsOf(rule: FieldRule): { own: string[]; head: string[] } {
  const own: string[] = [];
  if (rule.column !== undefined) own.push(rule.column);
  if (rule.unit) own.push(rule.unit.column);
  if (rule.template !== undefined)
    for (const m of rule.template.matchAll(/\{([^{}]+)\}/g)) own.push(m[1]!);
  return { own, head: rule.headColumn !== undefined ? [rule.headColumn] : [] };
}

/**
 * Every column the mapping needs but the file lacks, all at once. Tabular sections (CSV, Excel)
 * are checked against their header; JSON and XML records one by one. A rule with `optional` or
 * a `default` tolerates a missing column.
 */
export function missingColumns(
  doc: SourceDocument,
  mapping: Pick<Mapping, 'blocks'> | Pick<BlockMappings, 'blocks'>,
  headBlock = 'DecHead',
): TranslateProblem[] {
  const out: TranslateProblem[] = [];
  const blocks: BlockMappings['blocks'] = mapping.blocks;
  const headSection = blocks[headBlock]?.from;
  const seen = new Set<string>();
  for (const [key, block] of Object.entries(blocks)) {
    if (!block) continue;
    for (const [name, rule] of Object.entries(block.fields)) {
      if (rule.optional || rule.default !== undefined) continue;
      const { own, head } = columnsOf(rule);
      const checks = [
        ...(block.from ? own.map((c) => ({ c, section: block.from! })) : []),
        ...(headSection ? head.map((c) => ({ c, section: headSection })) : []),
      ];
      for (const { c, section: sectionName } of checks) {
        const section = doc.sections.get(sectionName);
        if (!section) continue; // a missing section is reported by the evaluator
        const tag = `${sectionName}\u0000${c}`;
        if (section.columns) {
          if (!section.columns.includes(c) && !seen.has(tag)) {
            seen.add(tag);
            out.push(
              problem(
                'missing-column',
                { ...section.pos, columnName: c },
                `${sectionName} 部分缺少列“${c}”（映射到 ${key}.${name}）`,
                `the ${sectionName} section lacks the column "${c}" (mapped to ${key}.${name})`,
                {
                  field: `${key}.${name}`,
                  fixZh: `在表头行加上“${c}”列，或修改映射`,
                  fixEn: `add a "${c}" column to the header row, or change the mapping`,
                },
              ),
            );
          }
          continue;
        }
        // Keys vary per record: one problem per column, naming the records that lack it.
        const lacking = section.records.filter((rec) => !rec.cells.has(c));
        if (lacking.length === 0 || seen.has(tag)) continue;
        seen.add(tag);
        const all = lacking.length === section.records.length;
        const which =
          lacking
            .slice(0, 5)
            .map((r) => r.pos.path ?? `row ${r.pos.row ?? '?'}`)
            .join(', ') + (lacking.length > 5 ? ` … (${lacking.length})` : '');
        out.push(
          problem(
            'missing-column',
            { ...lacking[0]!.pos, columnName: c },
            all
              ? `${sectionName} 部分的记录都没有“${c}”（映射到 ${key}.${name}）`
              : `${lacking.length} 条记录缺少“${c}”（映射到 ${key}.${name}）：${which}`,
            all
              ? `no ${sectionName} record has "${c}" (mapped to ${key}.${name})`
              : `${lacking.length} record(s) lack "${c}" (mapped to ${key}.${name}): ${which}`,
            {
              field: `${key}.${name}`,
              fixZh: `补上“${c}”；没有值时写空字符串，或在映射中标记 optional`,
              fixEn: `add "${c}"; write an empty string when there is no value, or mark it optional in the mapping`,
            },
          ),
        );
      }
    }
  }
  return out;
}
