import { MemoryLedger } from '../helpers/memory-ledger.js';
import { defineLedgerContractTests } from './ledger.contract.js';

defineLedgerContractTests('in-memory fake', async () => ({
  ledger: new MemoryLedger(),
  close: async () => {},
}));
