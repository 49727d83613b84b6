import {
  loadFamilyMapping,
  parseFamilyMapping,
  type LoadedFamilyMapping,
} from '../mapping/family-schema.js';
import { CEB_LAYOUTS, type CebMessageType } from './layout.js';

/** Every CEB mapping maps the head, the items and BaseTransfer. */
const required = (message: string): readonly string[] =>
  CEB_LAYOUTS[message as CebMessageType].blocks.map((b) => b.key);

/** Parses a CEB mapping (YAML text with `message: CEB311` or `CEB621`); GW_ERR_MAPPING_CONFIG on problems. */
export function parseCebMapping(text: string, file: string): LoadedFamilyMapping {
  return parseFamilyMapping(text, file, CEB_LAYOUTS, required);
}

/** Reads and parses a CEB mapping file. */
export function loadCebMapping(path: string): LoadedFamilyMapping {
  return loadFamilyMapping(path, CEB_LAYOUTS, required);
}
