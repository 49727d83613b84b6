/** Allocates the numbers customs hands out: 统一编号 (SeqNo) and 海关编号 (ENTRY_ID). */
import { randomInt } from 'node:crypto';
import { chinaYear } from './china-time.js';

/** Numbers for one accepted declaration. */
export interface AssignedNumbers {
  /** 18 chars: I/E + year + 13 digits (e.g. I20260000012345678). */
  readonly seqNo: string;
  /** 18 digits: 4-digit customs office + year + 1 (import) / 0 (export) + 9 digits. */
  readonly entryId: string;
}

/**
 * Hands out unique numbers. Each sandbox starts from a random base so two sandboxes in one test
 * run are unlikely to collide.
 */
export class NumberAllocator {
  private next = randomInt(1, 900_000_000);

  allocate(ieFlag: string, customMaster: string, now: Date): AssignedNumbers {
    const n = this.next++;
    const year = chinaYear(now);
    const ie = ieFlag === 'E' ? 'E' : 'I';
    const office = /^\d{4}$/.test(customMaster) ? customMaster : '0000';
    return {
      seqNo: `${ie}${year}${String(n).padStart(13, '0')}`,
      entryId: `${office}${year}${ie === 'I' ? '1' : '0'}${String(n % 1_000_000_000).padStart(9, '0')}`,
    };
  }
}
