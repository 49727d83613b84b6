import { describe, expect, it } from 'vitest';
import { ERRORS, GatewayError, isGatewayError, isSignerFatal, toGatewayError } from './errors.js';
import { ConfigError } from '../config/load.js';

describe('isGatewayError', () => {
  it('accepts a GatewayError, also one made by another copy of the module (the brand is global)', () => {
    const err = new GatewayError('GW_ERR_XML_MALFORMED', 'x');
    expect(isGatewayError(err)).toBe(true);
    const foreign = Object.assign(
      Object.create(Object.getPrototypeOf(err) as object) as object,
      err,
    );
    expect(isGatewayError(foreign)).toBe(true);
  });

  it('never takes an error that only carries a catalogue code for one', () => {
    const config = new ConfigError('gw.yaml', [{ path: 'channels', message: 'x' }]);
    expect(config.code).toBe('GW_ERR_CONFIG');
    expect(isGatewayError(config)).toBe(false);
    expect(isGatewayError(Object.assign(new Error('x'), { code: 'GW_ERR_CONFIG' }))).toBe(false);
    expect(toGatewayError(config).code).toBe('GW_ERR_INTERNAL');
  });
});

describe('GatewayError.retryAfterMs', () => {
  it('is a field of the error, set only when the far side named a delay', () => {
    expect(
      new GatewayError('GW_ERR_DELIVER_REMOTE_5XX', 'HTTP 503', { retryAfterMs: 7000 })
        .retryAfterMs,
    ).toBe(7000);
    const plain = new GatewayError('GW_ERR_DELIVER_REMOTE_5XX', 'HTTP 503');
    expect(plain.retryAfterMs).toBeUndefined();
    expect('retryAfterMs' in plain).toBe(false);
  });
});

describe('signer-fatal codes', () => {
  it('are the PIN and expired-certificate codes, marked in the catalogue; nothing transient is', () => {
    const marked = Object.keys(ERRORS).filter(isSignerFatal).sort();
    expect(marked).toEqual(['GW_ERR_SIGN_CERT_EXPIRED', 'GW_ERR_SIGN_PIN', 'GW_ERR_SIGN_PIN_LOW']);
    for (const code of marked) expect(ERRORS[code as keyof typeof ERRORS].kind).toBe('permanent');
    expect(isSignerFatal('GW_ERR_SIGN_CARD_ABSENT')).toBe(false);
    expect(isSignerFatal('NOT_A_CODE')).toBe(false);
  });
});
