import type { Command } from 'commander';
import { registerArchive } from './archive-command.js';
import { registerAudit } from './audit-command.js';
import { registerReceiptsTail } from './receipts-command.js';

/** The records and operators' commands: `audit verify`, `archive find`, `receipts tail`. */
export function registerOperations(program: Command): void {
  registerAudit(program);
  registerArchive(program);
  registerReceiptsTail(program);
}
