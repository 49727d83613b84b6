import { basename } from 'node:path';
import type { GatewayConfig } from '../config/resolve.js';
import {
  BUSINESS_KEY_INDEX,
  ENTRY_ID_INDEX,
  type LedgerPort,
  type MessageRecord,
} from './ledger-port.js';

/**
 * A message by id, source file name, business key (ClientSeqNo, orderNo...), 统一编号 (SeqNo) or
 * 报关单号 (entry number): the lookup of the CLI commands and the console alike.
 */
export async function findRecord(
  ledger: LedgerPort,
  config: GatewayConfig,
  arg: string,
): Promise<MessageRecord | undefined> {
  if (/^[0-9a-f]{32}$/.test(arg)) return ledger.get(arg);
  const name = basename(arg);
  for (const ch of config.channels) {
    const id = await ledger.findBySource(ch.name, name);
    if (id) return ledger.get(id);
  }
  for (const kind of [BUSINESS_KEY_INDEX, 'seqNo', ENTRY_ID_INDEX]) {
    const id = await ledger.findByKey(kind, arg);
    if (id) return ledger.get(id);
  }
  return undefined;
}
