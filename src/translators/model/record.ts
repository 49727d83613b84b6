import type { SourcePos } from '../source/position.js';
import type { BlockKey } from './field-spec.js';

/**
 * A 报关单 as values with provenance: every field remembers the source cell (or mapping entry, or
 * XML element) it came from, so the validator can point at the enterprise's own file.
 */
export interface FieldValue {
  readonly value: string;
  readonly origin?: SourcePos;
  /** Set when the mapping copied the value from another field (`ref`): `DecHead.AgentCodeScc`. */
  readonly copyOf?: string;
}

/**
 * One block record: element name -> value. Names starting with `@` are helper values (an item's
 * net weight, say) the validator may use but the builder never writes.
 */
export interface DecRecord {
  readonly fields: ReadonlyMap<string, FieldValue>;
  /** Where the record as a whole came from (source row, element); used for fields with no value. */
  readonly origin?: SourcePos;
}

export const EMPTY_RECORD: DecRecord = { fields: new Map() };

/** Spellings of the root's version attribute: `Version` (import specification [R]) or `version` (older generators). */
export type VersionAttribute = 'Version' | 'version';

export interface DecModel {
  /** The value of the DecMessage version attribute. */
  readonly version: string;
  /** How the attribute is spelled; `Version` when absent. */
  readonly versionAttribute?: VersionAttribute;
  /** Records per block; single blocks (DecHead, DecFreeTxt, DecSign) hold one record. */
  readonly blocks: ReadonlyMap<BlockKey, readonly DecRecord[]>;
}

/** The records of a block (none when absent). */
export function recordsOf(model: DecModel, key: BlockKey): readonly DecRecord[] {
  return model.blocks.get(key) ?? [];
}

/** The one record of a single block, or an empty record. */
export function singleOf(model: DecModel, key: BlockKey): DecRecord {
  return model.blocks.get(key)?.[0] ?? EMPTY_RECORD;
}

/** A field's text, '' when absent. */
export function valueOf(rec: DecRecord, name: string): string {
  return rec.fields.get(name)?.value ?? '';
}
