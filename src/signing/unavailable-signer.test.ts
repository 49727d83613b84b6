import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.js';
import { isSupervised } from './signer.js';
import { UnavailableSigner } from './unavailable-signer.js';

describe('UnavailableSigner', () => {
  it('says what it is (not a soft key), stays paused, and every call gives the reason it could not start', async () => {
    const reason = new GatewayError('GW_ERR_SIGN_CERT_EXPIRED', {
      where: 'card',
      zh: '证书已过期',
      en: 'certificate expired',
    });
    const s = new UnavailableSigner('card', reason);
    expect(s.kind).toBe('unavailable');
    expect(isSupervised(s) && s.state).toBe('expired');
    await expect(s.sign()).rejects.toBe(reason);
    await expect(s.certificate()).rejects.toBe(reason);
  });
});
