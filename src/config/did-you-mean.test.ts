import { describe, expect, it } from 'vitest';
import { didYouMean } from './did-you-mean.js';

describe('didYouMean', () => {
  it('finds the key a typo meant', () => {
    expect(didYouMean('stabelMs', ['pattern', 'stableMs', 'pollMs'])).toBe('stableMs');
    expect(didYouMean('gatewayReceipt', ['gatewayReceipts', 'receiptSlaMs'])).toBe(
      'gatewayReceipts',
    );
    expect(didYouMean('Transport', ['transport', 'signer'])).toBe('transport');
  });

  it('suggests nothing when no key is close', () => {
    expect(didYouMean('colour', ['pattern', 'stableMs', 'pollMs'])).toBeUndefined();
    expect(didYouMean('ab', ['cd'])).toBeUndefined();
  });
});
