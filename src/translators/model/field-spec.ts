import type { CodeTableName } from '../codes/code-tables.js';

/** The shapes of the DecMessage layout: field kinds, fields, blocks (the DecMessage layout is in dec/fields.ts). */

export type FieldKind =
  | { readonly t: 'text'; readonly max: number }
  | { readonly t: 'code'; readonly table: CodeTableName }
  | { readonly t: 'enum'; readonly values: readonly string[] }
  | { readonly t: 'pattern'; readonly re: RegExp; readonly zh: string; readonly en: string }
  /** N{int+frac},{frac}: at most `int` integer digits and `frac` decimals; never negative. */
  | {
      readonly t: 'number';
      readonly int: number;
      readonly frac: number;
      readonly positive?: boolean;
    }
  | { readonly t: 'date' }
  | { readonly t: 'datetime' }
  | { readonly t: 'uscc' }
  | { readonly t: 'hs' }
  | { readonly t: 'container' };

export interface FieldSpec {
  readonly name: string;
  readonly zh: string;
  readonly kind: FieldKind;
  readonly required?: boolean;
  /** Required for a declaration (申报, spec flag D) but not when only stored (暂存, OperType G). */
  readonly requiredToDeclare?: boolean;
  /** Written only when it has a value (fields added to the layout later, so older output is unchanged). */
  readonly omitEmpty?: boolean;
}

export type BlockKey =
  | 'DecHead'
  | 'DecList'
  | 'Container'
  | 'LicenseDocu'
  | 'DecRequestCert'
  | 'DecOtherPack'
  | 'DecCopLimit'
  | 'DecUser'
  | 'DecFreeTxt'
  | 'DecSign'
  | 'EdocRealation'
  | 'EcoRelation'
  | 'TrnHead'
  | 'TrnList'
  | 'TrnContainer'
  | 'TrnContaGoods';

export interface BlockSpec {
  readonly key: BlockKey;
  readonly zh: string;
  /** Wrapper element of a repeated block (DecLists); none for EdocRealation, which repeats under the root. */
  readonly wrapper?: string;
  readonly repeated: boolean;
  /**
   * Written only when it has records (no empty element, no empty wrapper); a mapping section for
   * it may be absent. The 转关 blocks are optional.
   */
  readonly optional?: boolean;
  readonly fields: readonly FieldSpec[];
}
