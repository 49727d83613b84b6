import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Drop } from './workload.js';

/** Business receipts (CHANNEL codes) the sandbox sends for a plain declaration, after 导入回执. */
export const EXPECTED_CODES = ['7', 'L', 'J', 'P', 'R'] as const;

export interface CustomsStats {
  readonly accepted: number;
  readonly duplicates: number;
  readonly faults: number;
  readonly byClientSeqNo: Record<string, { submissions: number; accepted: number }>;
}

export interface Tally {
  readonly lost: number;
  readonly accepted_twice: number;
  readonly receipts_missing: number;
  readonly receipts_duplicated: number;
  /** Gateway error and dead-letter receipts: none is expected, every declaration is valid. */
  readonly error_receipts: number;
  /** Receipts naming a key that was never dropped. */
  readonly receipts_unknown: number;
  readonly failed_files: number;
  /** Examples, to start an investigation from. */
  readonly examples: string[];
}

const tag = (xml: string, name: string): string | undefined =>
  new RegExp(`<(?:\\w+:)?${name}>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1];

/**
 * Compares what was dropped with what customs accepted (by ClientSeqNo, from the sandbox's
 * stats) and with the receipts in the outbox (read by content, not by file name, so a receipt
 * overwritten by another message's counts as missing for the first and duplicated for none).
 */
export function tally(
  drops: readonly Drop[],
  stats: CustomsStats,
  outbox: string,
  failed: string,
): Tally {
  const examples: string[] = [];
  const note = (s: string): void => void (examples.length < 20 && examples.push(s));
  const seen = new Map<string, Map<string, number>>();
  let errorReceipts = 0;
  let unknown = 0;
  const dropped = new Set(drops.map((d) => d.clientSeqNo));
  for (const f of readdirSync(outbox)) {
    if (f.startsWith('.')) continue;
    const xml = readFileSync(join(outbox, f), 'utf8');
    if (xml.includes('<GatewayReceipt')) {
      const kind = /kind="([a-z]+)"/.exec(xml)?.[1];
      if (kind !== 'duplicate') {
        errorReceipts++;
        note(`gateway ${kind} receipt ${f}: ${tag(xml, 'TextEn') ?? ''}`);
      }
      continue;
    }
    const key = tag(xml, 'ClientSeqNo') ?? tag(xml, 'CLIENT_SEQ_NO');
    const kind = xml.includes('DecImportResponse') ? 'import' : (tag(xml, 'CHANNEL') ?? '?');
    if (!key || !dropped.has(key)) {
      unknown++;
      note(`receipt ${f} names no dropped key (${key ?? 'none'})`);
      continue;
    }
    const kinds = seen.get(key) ?? new Map<string, number>();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    seen.set(key, kinds);
  }
  let lost = 0;
  let twice = 0;
  let missing = 0;
  let duplicated = 0;
  for (const d of drops) {
    const accepted = stats.byClientSeqNo[d.clientSeqNo]?.accepted ?? 0;
    if (accepted === 0) {
      lost++;
      note(`lost ${d.clientSeqNo} (${d.via} ${d.name ?? '(no name)'})`);
    }
    if (accepted > 1) {
      twice++;
      note(`accepted ${accepted}× ${d.clientSeqNo}`);
    }
    const kinds = seen.get(d.clientSeqNo) ?? new Map<string, number>();
    for (const k of ['import', ...EXPECTED_CODES]) {
      const n = kinds.get(k) ?? 0;
      if (n === 0) {
        missing++;
        note(`receipt ${k} missing for ${d.clientSeqNo} (${d.via} ${d.name ?? '(no name)'})`);
      }
      if (n > 1) {
        duplicated += n - 1;
        note(`receipt ${k} written ${n}× for ${d.clientSeqNo}`);
      }
    }
  }
  const failedFiles = readdirSync(failed).filter((f) => !f.startsWith('.')).length;
  if (failedFiles) note(`${failedFiles} files in failed/`);
  return {
    lost,
    accepted_twice: twice,
    receipts_missing: missing,
    receipts_duplicated: duplicated,
    error_receipts: errorReceipts,
    receipts_unknown: unknown,
    failed_files: failedFiles,
    examples,
  };
}
