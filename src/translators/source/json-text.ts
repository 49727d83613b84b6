/**
 * A small JSON parser that keeps what JSON.parse throws away: the line and column of every value
 * (for error positions) and the exact text of numbers (JSON.parse turns 12345678901234.12345
 * into a double and loses digits a N19,5 amount needs). Written for this project.
 */

export type JsonNode =
  | {
      readonly kind: 'object';
      readonly entries: readonly JsonEntry[];
      readonly line: number;
      readonly col: number;
    }
  | {
      readonly kind: 'array';
      readonly items: readonly JsonNode[];
      readonly line: number;
      readonly col: number;
    }
  | {
      readonly kind: 'string' | 'number' | 'boolean' | 'null';
      readonly text: string;
      readonly line: number;
      readonly col: number;
    };

export interface JsonEntry {
  readonly key: string;
  readonly value: JsonNode;
  readonly line: number;
  readonly col: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
    /** True when the text simply ended too early (a truncated file). */
    readonly atEnd: boolean,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 32;

/** Parses JSON text; throws JsonSyntaxError with line and column. */
export function parseJsonText(text: string): JsonNode {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): { line: number; col: number } => ({ line, col: i - lineStart + 1 });
  const fail = (message: string): never => {
    const { line: l, col } = here();
    throw new JsonSyntaxError(message, l, col, i >= text.length);
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 32 || c === 9 || c === 13) i++;
      else return;
    }
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('bad escape in string');
      } else if (c.charCodeAt(0) < 0x20) {
        fail('control character in string');
      } else {
        out += c;
        i++;
      }
    }
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
    ws();
    const at = here();
    const c = text[i];
    if (c === undefined) return fail('unexpected end of input');
    if (c === '{') {
      i++;
      const entries: JsonEntry[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries, ...at };
      }
      for (;;) {
        ws();
        const kAt = here();
        if (text[i] !== '"') fail('expected a "key"');
        const key = str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        entries.push({ key, value: value(depth + 1), ...kAt });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', entries, ...at };
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items, ...at };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', items, ...at };
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return { kind: 'string', text: str(), ...at };
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0] !== '' && m[0] !== '-') {
      i += m[0].length;
      return { kind: 'number', text: m[0], ...at };
    }
    for (const [word, kind] of [
      ['true', 'boolean'],
      ['false', 'boolean'],
      ['null', 'null'],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { kind, text: kind === 'null' ? '' : word, ...at };
      }
    }
    return fail(`unexpected character "${c}"`);
  };
  const root = value(0);
  ws();
  if (i < text.length) fail('unexpected text after the end of the document');
  return root;
}
