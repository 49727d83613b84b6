import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { GatewayError } from '../core/errors.js';
import { formatError, formatErrorLine } from './format-error.js';

describe('formatError (the one CLI error text)', () => {
  it('prints a GatewayError as its code, both languages, where and the fix', () => {
    const err = new GatewayError('GW_ERR_XML_MALFORMED', {
      where: 'a.xml:3:7',
      zh: '标签未闭合',
      en: 'unclosed tag',
      fixZh: '闭合标签',
      fixEn: 'close the tag',
    });
    expect(formatError(err)).toBe(
      [
        'GW_ERR_XML_MALFORMED: XML 格式不正确 / XML is not well-formed',
        '  - [a.xml:3:7] 标签未闭合',
        '    unclosed tag',
        '    修正 / fix: 闭合标签 / close the tag',
      ].join('\n'),
    );
  });

  it('prints a ConfigError as the list config check prints', () => {
    const text = formatError(
      new ConfigError('gw.yaml', [{ path: 'channels.0.signer', message: 'no signer "nobody"' }]),
    );
    expect(text).toContain('GW_ERR_CONFIG');
    expect(text).toContain('channels.0.signer');
  });

  it('does not take an error that only carries a catalogue code for a GatewayError (no toJSON to call)', () => {
    const lookalike = Object.assign(new Error('key file unreadable'), { code: 'GW_ERR_SIGN_KEY' });
    expect(formatError(lookalike)).toBe('key file unreadable');
    const copied = JSON.parse(JSON.stringify(new GatewayError('GW_ERR_SIGN_KEY'))) as unknown; // what a queue hands back
    expect(() => formatError(copied)).not.toThrow();
    expect(formatErrorLine(lookalike)).toBe('key file unreadable');
  });

  it('gives doctor one line: the first detail in both languages, else the catalogue text', () => {
    expect(
      formatErrorLine(new GatewayError('GW_ERR_SIGN_PIN', { zh: '口令错误', en: 'wrong PIN' })),
    ).toBe('口令错误 / wrong PIN');
    expect(formatErrorLine(new GatewayError('GW_ERR_SIGN_PIN'))).toBe(
      '卡口令（PIN）错误或已锁定 / card PIN wrong or blocked',
    );
    expect(formatErrorLine('plain')).toBe('plain');
  });
});
