import { BLOCKS, type FieldKind } from '../dec/fields.js';
import { fieldLabel, type FieldLabel } from '../validation/field-problem.js';
import type { FieldRule } from './schema.js';

/** One block of a target message as the mapping evaluator needs to know it. */
export interface LayoutBlock {
  readonly key: string;
  readonly zh: string;
  readonly repeated: boolean;
  /** A single block that may be absent: a missing section means no record, not an error. */
  readonly optional?: boolean;
  readonly fields: readonly {
    readonly name: string;
    readonly zh: string;
    readonly kind: FieldKind;
  }[];
}

/**
 * The target message layout the mapping evaluator fills: its blocks, which block is the head
 * (`headColumn` reads from it) and which is the item list (`sum` adds over it, a split part picks
 * from it), and how fields are named in problems. DecMessage is the default; the manifest and
 * CEB families pass their own.
 */
export interface TargetLayout {
  readonly blocks: readonly LayoutBlock[];
  readonly headBlock: string;
  readonly itemBlock: string;
  label(block: string, index: number | undefined, name: string): FieldLabel;
}

/** The block mappings an evaluator reads: a DecMessage mapping, or another family's. */
export interface BlockMappings {
  readonly version: string;
  /** Spelling of the DecMessage version attribute. */
  readonly versionAttribute?: 'Version' | 'version';
  readonly valueMaps: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly blocks: Readonly<
    Record<
      string,
      | { readonly from?: string | undefined; readonly fields: Readonly<Record<string, FieldRule>> }
      | undefined
    >
  >;
}

/** The DecMessage layout (dec/fields.ts). */
export const DEC_LAYOUT: TargetLayout = {
  blocks: BLOCKS,
  headBlock: 'DecHead',
  itemBlock: 'DecList',
  label: (block, index, name) => fieldLabel(block as Parameters<typeof fieldLabel>[0], index, name),
};

/** A label maker for layouts other than DecMessage: `OrderList[3].qty`, 订单商品第 3 项的数量（qty）. */
export function layoutLabel(blocks: readonly LayoutBlock[]): TargetLayout['label'] {
  const byKey = new Map(blocks.map((b) => [b.key, b]));
  return (block, index, name) => {
    const spec = byKey.get(block);
    const fieldZh = spec?.fields.find((f) => f.name === name)?.zh ?? name;
    const zhBlock = spec?.zh ?? block;
    const repeated = (spec?.repeated ?? false) && index !== undefined;
    return {
      field: repeated ? `${block}[${index + 1}].${name}` : `${block}.${name}`,
      fieldZh,
      zh: repeated
        ? `${zhBlock}第 ${index + 1} 项的${fieldZh}（${name}）`
        : `${zhBlock}的${fieldZh}（${name}）`,
      en: repeated ? `${block} ${index + 1} ${name} (${fieldZh})` : `${block} ${name} (${fieldZh})`,
    };
  };
}
