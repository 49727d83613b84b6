import { describe, expect, it } from 'vitest';
import { amqpError, redactAmqpUrl } from './amqp-errors.js';
import { Backoff } from './backoff.js';

describe('amqpError', () => {
  const code = (err: unknown) => amqpError(err, 'amqp://h').code;
  it('classifies what amqplib reports', () => {
    expect(
      code(
        new Error(
          'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"',
        ),
      ),
    ).toBe('GW_ERR_AMQP_AUTH');
    expect(code(new Error('Expected ConnectionOpenOk; got <ConnectionClose channel:0>'))).toBe(
      'GW_ERR_AMQP_AUTH',
    );
    expect(
      code(Object.assign(new Error('Channel closed by server: 404 (NOT-FOUND)'), { code: 404 })),
    ).toBe('GW_ERR_AMQP_NOT_FOUND');
    expect(
      code(
        Object.assign(new Error('Channel closed by server: 403 (ACCESS-REFUSED)'), { code: 403 }),
      ),
    ).toBe('GW_ERR_AMQP_ACCESS');
    expect(code(new Error('message nacked'))).toBe('GW_ERR_AMQP_NACK');
    expect(
      code(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5672'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe('GW_ERR_AMQP_CONNECT');
    expect(code(new Error('Heartbeat timeout'))).toBe('GW_ERR_AMQP_CONNECT');
  });
  it('marks login problems permanent and connection problems transient', () => {
    expect(
      amqpError(new Error('Handshake terminated by server: 403 (ACCESS-REFUSED)'), 'x').kind,
    ).toBe('permanent');
    expect(amqpError(new Error('socket closed'), 'x').kind).toBe('transient');
  });
});

describe('redactAmqpUrl', () => {
  it('drops the user and password', () => {
    expect(redactAmqpUrl('amqp://gw:s3cret@mq.example:5672/customs')).toBe(
      'amqp://mq.example:5672/customs',
    );
    expect(redactAmqpUrl('not a url')).not.toContain('not a url');
  });
});

describe('Backoff', () => {
  it('doubles from the first delay up to the cap, varied by at most 20%, and starts over after a success', () => {
    const b = new Backoff(500, 4000, () => 0.5);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    b.reset();
    expect(b.next()).toBe(500);
    const low = new Backoff(1000, 1000, () => 0);
    const high = new Backoff(1000, 1000, () => 0.999999);
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1200);
  });
});
