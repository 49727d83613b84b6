import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.js';
import { retryMessage } from './operator.js';
import { isOperatorRefusal, operatorRefusal, refusalText } from '../core/operator-refusal.js';
import type { MessageRecord } from './ledger.js';

describe('operator refusals', () => {
  it('are told apart from failures, so the API answers 409 only for them', () => {
    const refusal = operatorRefusal('already on hold / 已暂停', 'message m1');
    expect(isOperatorRefusal(refusal)).toBe(true);
    expect(refusal).toMatchObject({
      code: 'GW_ERR_OPERATOR_REFUSED',
      kind: 'permanent',
      details: [{ where: 'message m1', en: 'already on hold / 已暂停' }],
    });
    expect(isOperatorRefusal(new GatewayError('GW_ERR_REDIS_UNAVAILABLE'))).toBe(false);
    expect(isOperatorRefusal(new Error('connection closed'))).toBe(false);
    expect(refusalText(refusal)).toBe('message m1: already on hold / 已暂停');
    expect(refusalText(new Error('connection closed'))).toBe('connection closed');
  });

  it('a retry of a message that is not dead is refused before anything is touched', async () => {
    const rec: MessageRecord = {
      id: 'm1',
      channel: 'dec',
      sourceName: 'a.xml',
      docRef: 'sha256:a',
      status: 'sent',
      createdAt: 1,
      updatedAt: 1,
      deliverRef: 'sha256:b',
    };
    const untouchable = new Proxy({} as never, {
      get: () => {
        throw new Error('the ledger or the queues were touched');
      },
    });
    const err = await retryMessage({ ledger: untouchable, queues: untouchable }, rec, 'test').catch(
      (e: unknown) => e,
    );
    expect(isOperatorRefusal(err)).toBe(true);
  });
});
