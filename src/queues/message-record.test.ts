import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../core/errors.js';
import { parseMessageRecord } from './message-record.js';

const stored = {
  id: 'm1',
  channel: 'dec',
  sourceName: 'a.xml',
  docRef: 'sha256:abc',
  status: 'sent',
  createdAt: '1700000000000',
  updatedAt: '1700000000500',
};

function refusal(hash: Record<string, string>): string {
  try {
    parseMessageRecord('m1', hash);
  } catch (err) {
    if (isGatewayError(err) && err.code === 'GW_ERR_LEDGER_RECORD') return err.details[0]?.en ?? '';
    throw err;
  }
  return expect.unreachable('the damaged record was accepted');
}

describe('parseMessageRecord (a ledger hash read back from Redis)', () => {
  it('turns the stored strings into the record: numbers as numbers, the Lua flags dropped', () => {
    const rec = parseMessageRecord('m1', {
      ...stored,
      deliveredAt: '1700000000400',
      part: '2',
      businessKey: 'CSN1',
      sending: '1',
      cancelledByOperator: '1',
    });
    expect(rec).toEqual({
      ...stored,
      createdAt: 1700000000000,
      updatedAt: 1700000000500,
      deliveredAt: 1700000000400,
      part: 2,
      businessKey: 'CSN1',
    });
  });

  it.each([
    ['an unknown status', { ...stored, status: 'lost' }, 'status'],
    ['a time that is not a number', { ...stored, createdAt: 'yesterday' }, 'createdAt'],
    ['a missing channel', { ...stored, channel: '' }, 'channel'],
    [
      'no document reference',
      {
        id: 'm1',
        channel: 'dec',
        sourceName: 'a.xml',
        status: 'sent',
        createdAt: '1',
        updatedAt: '1',
      },
      'docRef',
    ],
    ['a spool reference of another kind', { ...stored, signedRef: '/tmp/x' }, 'signedRef'],
  ])('refuses %s with GW_ERR_LEDGER_RECORD, naming the field', (_what, hash, field) => {
    expect(refusal(hash)).toContain(field);
  });
});
