/**
 * Character-level rules of Canonical XML 1.0: reference expansion, line-end and attribute-value
 * normalisation, the C14N escaping of text and attribute values, and code-point ordering.
 * https://www.w3.org/TR/2001/REC-xml-c14n-20010315#ProcessingModel
 */

/** Thrown for a bad reference; the tokenizer turns it into a GatewayError with a position. */
export class RefError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * Expands the reference starting at `raw[amp]` ('&'). Returns the replacement text and the index
 * just after the ';'. Only the five predefined entities exist: documents carry no DTD.
 */
function expandRef(raw: string, amp: number, base: number): [string, number] {
  const semi = raw.indexOf(';', amp + 1);
  if (semi === -1 || semi - amp > 12) throw new RefError('unterminated reference', base + amp);
  const body = raw.slice(amp + 1, semi);
  if (body.charCodeAt(0) === 0x23 /* # */) {
    const hex = body.charCodeAt(1) === 0x78; /* x */
    const digits = body.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits))
      throw new RefError(`bad character reference &${body};`, base + amp);
    const cp = parseInt(digits, hex ? 16 : 10);
    if (!isXmlChar(cp))
      throw new RefError(`character reference &${body}; is not an XML character`, base + amp);
    return [String.fromCodePoint(cp), semi + 1];
  }
  const named = NAMED[body];
  if (named === undefined) throw new RefError(`undefined entity &${body};`, base + amp);
  return [named, semi + 1];
}

const TEXT_NEEDS_WORK = /[&>\r]/;

/**
 * Canonical form of a run of character data as written in the document (between tags):
 * references expanded, CRLF/CR turned into LF, then `&`, `<`, `>` and CR (from `&#xD;`) escaped.
 * `base` is the run's offset in the document, for error positions.
 */
export function canonicalText(raw: string, base = 0): string {
  // Most runs in generated documents need nothing: no reference, no '>' and no CR.
  if (!TEXT_NEEDS_WORK.test(raw)) return raw;
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x26 /* & */) {
      out += raw.slice(from, i);
      const [text, next] = expandRef(raw, i, base);
      out += escapeC14nText(text);
      i = next - 1;
      from = next;
    } else if (c === 0x3e /* > */) {
      out += raw.slice(from, i) + '&gt;';
      from = i + 1;
    } else if (c === 0x0d /* CR: line end, becomes LF */) {
      out += raw.slice(from, i) + '\n';
      if (raw.charCodeAt(i + 1) === 0x0a) i++;
      from = i + 1;
    }
  }
  return out + raw.slice(from);
}

/** Canonical form of CDATA content: no references inside, only line ends and escaping. */
export function canonicalCdata(raw: string): string {
  return escapeC14nText(normaliseLineEnds(raw));
}

const ATTR_NEEDS_WORK = /[&"\t\n\r]/;

/**
 * Canonical form of an attribute value as written between its quotes: references expanded,
 * literal whitespace (tab, LF, CR, CRLF) replaced by one space each (attribute-value
 * normalisation for CDATA attributes; without a DTD every attribute is CDATA), then escaped.
 * Characters that came from references (`&#9;`) are not normalised, only escaped.
 */
export function canonicalAttr(raw: string, base = 0): string {
  if (!ATTR_NEEDS_WORK.test(raw)) return raw;
  return escapeC14nAttr(attrValue(raw, base));
}

/** The normalised value of an attribute as written between its quotes (not escaped). */
export function attrValue(raw: string, base = 0): string {
  if (!ATTR_NEEDS_WORK.test(raw)) return raw;
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x26) {
      out += raw.slice(from, i);
      const [text, next] = expandRef(raw, i, base);
      out += text;
      i = next - 1;
      from = next;
    } else if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out += raw.slice(from, i) + ' ';
      if (c === 0x0d && raw.charCodeAt(i + 1) === 0x0a) i++;
      from = i + 1;
    }
  }
  return out + raw.slice(from);
}

/** C14N text escaping: `&` `<` `>` and CR. */
export function escapeC14nText(text: string): string {
  if (!/[&<>\r]/.test(text)) return text;
  return text.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;',
  );
}

const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/** C14N attribute escaping: `&` `<` `"` and the whitespace characters TAB, LF, CR (`>` stays). */
export function escapeC14nAttr(value: string): string {
  if (!/[&<"\t\n\r]/.test(value)) return value;
  return value.replace(/[&<"\t\n\r]/g, (c) => ATTR_ESCAPES[c] as string);
}

/** CRLF and lone CR to LF (XML 1.0 §2.11). */
export function normaliseLineEnds(s: string): string {
  return s.indexOf('\r') === -1 ? s : s.replace(/\r\n?/g, '\n');
}

/**
 * Orders strings by Unicode code point, as C14N requires. Plain `<` compares UTF-16 code units,
 * which puts astral characters (surrogates, D800–DFFF) before E000–FFFF; this corrects that.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Move surrogates above E000–FFFF so the order matches code points.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
