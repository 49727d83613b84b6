/**
 * Check characters of identifiers on a declaration. Written for this project from the standards:
 * GB 32100-2015 (统一社会信用代码) and ISO 6346 (freight container numbers).
 */

/** GB 32100-2015 character set: digits and capitals without I, O, S, V, Z. */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** The check character a 17-character USCC body calls for, or undefined for a bad character. */
export function usccCheckCharacter(body17: string): string | undefined {
  if (body17.length !== 17) return undefined;
  let sum = 0;
  let weight = 1; // 3^i mod 31, i = 0..16
  for (const ch of body17) {
    const v = USCC_ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    sum += v * weight;
    weight = (weight * 3) % 31;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

export type UsccProblem = 'length' | 'charset' | 'check';

/** Why an 18-character 统一社会信用代码 is invalid, or undefined when it is valid. */
export function usccProblem(code: string): UsccProblem | undefined {
  if (code.length !== 18) return 'length';
  if (![...code].every((c) => USCC_ALPHABET.includes(c))) return 'charset';
  return usccCheckCharacter(code.slice(0, 17)) === code[17] ? undefined : 'check';
}

/** ISO 6346 value of a letter: A = 10, counting up and skipping multiples of 11 (11, 22, 33). */
function letterValue(ch: string): number {
  let v = 10;
  for (let c = 65; c < ch.charCodeAt(0); c++) {
    v++;
    if (v % 11 === 0) v++;
  }
  return v;
}

/** The ISO 6346 check digit for the first 10 characters (owner code + category + serial). */
export function containerCheckDigit(first10: string): number {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = first10[i]!;
    const v = /\d/.test(ch) ? Number(ch) : letterValue(ch);
    sum += v * 2 ** i;
  }
  return (sum % 11) % 10;
}

export type ContainerProblem = 'shape' | 'check';

/** Why a container number is invalid (shape: 3 letters, U/J/Z, 6 digits, 1 digit), or undefined. */
export function containerProblem(id: string): ContainerProblem | undefined {
  if (!/^[A-Z]{3}[UJZ]\d{7}$/.test(id)) return 'shape';
  return containerCheckDigit(id.slice(0, 10)) === Number(id[10]) ? undefined : 'check';
}
