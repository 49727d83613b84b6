import { describe, expect, it } from 'vitest';
import {
  containerCheckDigit,
  containerProblem,
  usccCheckCharacter,
  usccProblem,
} from './check-digits.js';

describe('check characters', () => {
  it('USCC (GB 32100-2015): the samples and well-known shapes', () => {
    // Codes from samples/declaration (made by an independent implementation in codes.ts).
    for (const ok of [
      '91310115MA1KDP4E6M',
      '91310115MA1H7R2C76',
      '91440305MA5FN2K83M',
      '91440304MA5HQ6T201',
    ])
      expect(usccProblem(ok), ok).toBeUndefined();
    expect(usccProblem('91310115MA1KDP4E6N')).toBe('check');
    expect(usccProblem('91310115MA1KDP4E6')).toBe('length');
    expect(usccProblem('91310115MA1KDP4EOM')).toBe('charset'); // O is not in the alphabet
    expect(usccCheckCharacter('91310115MA1KDP4E6')).toBe('M');
  });

  it('every single-character change of a valid USCC is caught', () => {
    const code = '91310115MA1KDP4E6M';
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (let i = 0; i < 18; i++) {
      for (const ch of alphabet) {
        if (ch === code[i]) continue;
        expect(usccProblem(code.slice(0, i) + ch + code.slice(i + 1))).toBeDefined();
      }
    }
  });

  it('ISO 6346 container numbers', () => {
    // The standard's own example and the sample containers.
    expect(containerCheckDigit('CSQU305438')).toBe(3);
    for (const ok of ['CSQU3054383', 'SBXU2004179', 'SBXU2004184'])
      expect(containerProblem(ok), ok).toBeUndefined();
    expect(containerProblem('SBXU2004178')).toBe('check');
    expect(containerProblem('SBX2004179')).toBe('shape');
    expect(containerProblem('SBXA2004179')).toBe('shape');
  });
});
