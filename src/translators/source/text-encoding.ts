import { GatewayError, type ErrorDetail } from '../../core/errors.js';

/** What a channel may configure; `auto` detects UTF-8 (with or without BOM) versus GBK/GB18030. */
export type TextEncodingSetting = 'auto' | 'UTF-8' | 'GBK' | 'GB18030';

export interface DecodedText {
  readonly text: string;
  /** The encoding the text was decoded with. */
  readonly encoding: 'UTF-8' | 'GBK' | 'GB18030';
  readonly hadBom: boolean;
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Characters a Chinese customs document plausibly holds outside ASCII. GBK and GB18030 decode
 * almost any byte soup without a decoding error, so a guessed (or mis-configured) GBK reading is
 * only trusted when every character lands in these ranges; anything else (private-use area,
 * Hangul, C1 controls, exotic scripts) means the guess was wrong and we refuse instead of
 * writing mojibake into a declaration.
 */
const PLAUSIBLE = new RegExp(
  '[^\\x00-\\x7F' +
    '\\u00A0-\\u017F\\u01CD-\\u01DC\\u02C6-\\u02DF' + // Latin-1, Latin Extended-A, pinyin tones, modifiers
    '\\u0370-\\u03FF\\u0400-\\u04FF' + // Greek, Cyrillic (GB 2312 has both)
    '\\u2000-\\u206F\\u2100-\\u21FF\\u2200-\\u22FF\\u2300-\\u23FF\\u2460-\\u24FF\\u2500-\\u25FF\\u2600-\\u26FF' +
    '\\u3000-\\u303F\\u3040-\\u30FF\\u3100-\\u312F\\u3200-\\u32FF\\u3300-\\u33FF' + // CJK punctuation, kana, bopomofo, enclosed
    '\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF00-\\uFFEF' + // ideographs, compatibility, full-width
    '\\u{20000}-\\u{3134F}' + // CJK extensions B-G: rare characters in names, GB18030 four-byte forms
    ']',
  'u',
);

function label(enc: 'UTF-8' | 'GBK' | 'GB18030'): string {
  return enc === 'UTF-8' ? 'utf-8' : enc === 'GBK' ? 'gbk' : 'gb18030';
}

function tryDecode(bytes: Uint8Array, enc: 'UTF-8' | 'GBK' | 'GB18030'): string | undefined {
  try {
    return new TextDecoder(label(enc), { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** 1-based line and column of a byte offset, counting LF bytes (safe in UTF-8 and GBK alike). */
function lineOfByte(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/** The first byte offset at which decoding fails (binary search on prefixes). */
function firstBadByte(bytes: Uint8Array, enc: 'UTF-8' | 'GBK' | 'GB18030'): number {
  let lo = 0;
  let hi = bytes.length;
  const ok = (n: number): boolean => {
    try {
      new TextDecoder(label(enc), { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(mid + 1)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function implausibleAt(text: string): { index: number; char: string } | undefined {
  const m = PLAUSIBLE.exec(text);
  return m ? { index: m.index, char: m[0] } : undefined;
}

function lineOfIndex(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const FIX_ZH = '请把文件另存为 UTF-8（推荐）或 GBK，或在通道映射的 input.encoding 中写明实际编码';
const FIX_EN =
  'save the file as UTF-8 (preferred) or GBK, or set the real encoding in the mapping input.encoding';

/**
 * Decodes a text file (CSV, JSON) in the configured encoding, or detects it: a UTF-8 BOM means
 * UTF-8; bytes that are valid UTF-8 are UTF-8; otherwise GB18030 (a superset of GBK) when the
 * result looks like Chinese text. Every doubtful case is an error, never a silent guess.
 */
export function decodeText(
  bytes: Uint8Array,
  setting: TextEncodingSetting,
  file: string,
): DecodedText {
  const fail = (rule: string, where: string, zh: string, en: string): never => {
    throw new GatewayError('GW_ERR_INPUT_ENCODING', {
      rule,
      where,
      zh,
      en,
      fixZh: FIX_ZH,
      fixEn: FIX_EN,
    } as ErrorDetail);
  };
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    fail(
      'encoding-utf16',
      file,
      '文件是 UTF-16 编码（Excel“Unicode 文本”），不受支持',
      'the file is UTF-16 (Excel "Unicode text"), which is not supported',
    );
  }
  const hadBom = bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b);
  const body = hadBom ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul >= 0) {
    const { line, col } = lineOfByte(body, nul);
    fail(
      'encoding-binary',
      `${file}, line ${line}:${col}`,
      '文件含 NUL 字节：不是文本文件，或是 UTF-16 编码',
      'the file contains a NUL byte: it is binary or UTF-16, not text',
    );
  }
  if (hadBom && setting !== 'auto' && setting !== 'UTF-8') {
    fail(
      'encoding-mismatch',
      file,
      `文件带 UTF-8 BOM，但通道配置的编码为 ${setting}`,
      `the file has a UTF-8 BOM but the channel is configured for ${setting}`,
    );
  }
  const utf8 = tryDecode(body, 'UTF-8');
  if (utf8 !== undefined) {
    if (setting === 'auto' || setting === 'UTF-8' || hadBom || !/[^\x00-\x7F]/.test(utf8)) {
      return {
        text: utf8,
        encoding: setting === 'GBK' || setting === 'GB18030' ? setting : 'UTF-8',
        hadBom,
      };
    }
    // Configured GBK, but the bytes are valid, non-ASCII UTF-8: almost certainly UTF-8, and reading
    // it as GBK would turn every Chinese character into two wrong ones.
    fail(
      'encoding-mismatch',
      file,
      `通道配置的编码为 ${setting}，但文件实际是 UTF-8`,
      `the channel is configured for ${setting} but the file is UTF-8`,
    );
  }
  const at = (offset: number): string => {
    const { line, col } = lineOfByte(body, offset);
    return `${file}, line ${line}:${col}`;
  };
  // In stream mode an unfinished sequence at the very end is no error, so a first bad byte at the
  // end means "valid UTF-8, cut off in the middle of a character".
  const u8bad = firstBadByte(body, 'UTF-8');
  if (u8bad >= body.length) {
    let start = body.length - 1;
    while (start > 0 && (body[start]! & 0xc0) === 0x80) start--;
    const prefix = tryDecode(body.subarray(0, start), 'UTF-8') ?? '';
    if (hadBom || setting === 'UTF-8' || /[^\x00-\x7F]/.test(prefix)) {
      fail(
        'encoding-truncated',
        at(start),
        '文件在一个 UTF-8 字符中间结束：文件被截断',
        'the file ends in the middle of a UTF-8 character: it is truncated',
      );
    }
  }
  if (setting === 'UTF-8' || hadBom) {
    fail(
      'encoding-invalid',
      at(u8bad),
      `内容不是有效的 UTF-8（第 ${u8bad + (hadBom ? 3 : 0)} 字节）`,
      `content is not valid UTF-8 (byte ${u8bad + (hadBom ? 3 : 0)})`,
    );
  }
  const enc = setting === 'GBK' ? 'GBK' : 'GB18030';
  const text = tryDecode(body, enc);
  if (text === undefined) {
    const gbBad = firstBadByte(body, enc);
    if (setting !== 'auto') {
      return fail(
        'encoding-invalid',
        at(gbBad),
        `内容不是有效的 ${setting}（第 ${gbBad} 字节）`,
        `content is not valid ${setting} (byte ${gbBad})`,
      );
    }
    // Neither reading works; point at where the reading that got further breaks down.
    const [name, pos] = u8bad >= gbBad ? ['UTF-8', u8bad] : ['GBK/GB18030', gbBad];
    return fail(
      'encoding-invalid',
      at(pos),
      `无法识别编码：既不是 UTF-8 也不是 GBK/GB18030（按 ${name} 读取在第 ${pos} 字节出错）`,
      `unknown encoding: neither UTF-8 nor GBK/GB18030 (read as ${name} it breaks at byte ${pos})`,
    );
  }
  const odd = implausibleAt(text);
  if (odd) {
    const cp = odd.char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    fail(
      'encoding-unreliable',
      `${file}, line ${lineOfIndex(text, odd.index)}`,
      `按 ${enc} 解码得到异常字符 U+${cp}：编码判断不可靠，拒绝转换以免产生乱码`,
      `decoding as ${enc} gives the unlikely character U+${cp}: the encoding guess is unreliable, refused to avoid mojibake`,
    );
  }
  return { text, encoding: enc, hadBom: false };
}
