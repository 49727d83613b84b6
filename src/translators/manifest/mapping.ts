import {
  loadFamilyMapping,
  parseFamilyMapping,
  type LoadedFamilyMapping,
} from '../mapping/family-schema.js';
import { MANIFEST_LAYOUTS } from './layout.js';

/** Head and Consignment must be mapped; Declaration carries the voyage and is required too. */
const required = (): readonly string[] => ['Head', 'Declaration', 'Consignment'];

/**
 * Parses a manifest mapping (`message: MT1101` …). The Consignment block reads one record per bill
 * (`from: bills`); Head and Declaration read the voyage record (`from: head`) or constants.
 */
export function parseManifestMapping(text: string, file: string): LoadedFamilyMapping {
  return parseFamilyMapping(text, file, MANIFEST_LAYOUTS, required);
}

/** Reads and parses a manifest mapping file. */
export function loadManifestMapping(path: string): LoadedFamilyMapping {
  return loadFamilyMapping(path, MANIFEST_LAYOUTS, required);
}
