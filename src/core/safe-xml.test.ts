import { describe, expect, it } from 'vitest';
import { safeXmlParser } from './safe-xml.js';
import { isGatewayError } from './errors.js';

const parser = safeXmlParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isGatewayError(err) ? err.code : String(err);
  }
  return undefined;
}

describe('safeXmlParser', () => {
  it('parses well-formed XML in the caller shape, predefined entities decoded', () => {
    expect(parser.parse('<a><b>1 &amp; 2</b><c>007</c></a>', 'x')).toEqual({
      a: { b: '1 & 2', c: '007' },
    });
  });

  it('refuses a DTD before the parser sees it, so no declared entity is ever expanded', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx"><!ENTITY y "&x;&x;&x;&x;">]><a>&y;</a>';
    expect(codeOf(() => parser.parse(bomb, 'x'))).toBe('GW_ERR_XML_DTD');
  });

  it('refuses malformed XML and nesting past the limit', () => {
    expect(codeOf(() => parser.parse('<a><b></a>', 'x'))).toBe('GW_ERR_XML_MALFORMED');
    const deep = `${'<e>'.repeat(10)}${'</e>'.repeat(10)}`;
    expect(codeOf(() => parser.parse(deep, 'x', { maxBytes: 1000, maxDepth: 5 }))).toBe(
      'GW_ERR_XML_LIMIT',
    );
  });

  it('decodes bytes by their declaration before checking', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><a>中</a>', 'utf8');
    const { doc, decoded } = parser.parseBytes(bytes, 'x');
    expect(decoded.encoding).toBe('UTF-8');
    expect(doc).toMatchObject({ a: '中' });
  });
});
