import iconv from 'iconv-lite';
import { XMLValidator } from 'fast-xml-parser';
import { GatewayError } from './errors.js';

/** Encodings the gateway reads and writes; labels are normalised to these. */
export type XmlEncoding = 'UTF-8' | 'GBK' | 'GB18030';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export interface DecodedXml {
  /** The text without BOM. */
  readonly text: string;
  /** The encoding the bytes were in. */
  readonly encoding: XmlEncoding;
  readonly hadBom: boolean;
  /** The encoding label as written in the XML declaration, if any. */
  readonly declared?: string;
}

export interface XmlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 50 * 1024 * 1024, maxDepth: 64 };

function normaliseEncoding(label: string, where: string): XmlEncoding {
  const l = label.trim().toLowerCase();
  if (l === 'utf-8' || l === 'utf8') return 'UTF-8';
  // GB2312 files in the wild contain GBK characters; reading them as GBK is what every client does.
  if (l === 'gbk' || l === 'gb2312' || l === 'cp936' || l === 'x-gbk' || l === 'euc-cn')
    return 'GBK';
  if (l === 'gb18030') return 'GB18030';
  throw new GatewayError('GW_ERR_XML_ENCODING', {
    where,
    zh: `不支持的编码 "${label}"`,
    en: `unsupported encoding "${label}"`,
    fixZh: '请使用 UTF-8、GBK 或 GB18030 编码',
    fixEn: 'use UTF-8, GBK or GB18030',
  });
}

/** Reads the encoding label from an XML declaration at the start of the bytes (ASCII-compatible). */
function declaredEncoding(bytes: Uint8Array, offset: number): string | undefined {
  const head = Buffer.from(bytes.subarray(offset, offset + 200)).toString('latin1');
  const m = /^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return m?.[1];
}

/**
 * Decodes XML bytes honouring the BOM and the encoding its declaration names (UTF-8 when none).
 * Invalid byte sequences are an error: a declaration must never carry mojibake.
 */
export function decodeXml(bytes: Uint8Array, where = 'document'): DecodedXml {
  const hadBom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b);
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw new GatewayError('GW_ERR_XML_ENCODING', {
      where,
      zh: '不支持 UTF-16 编码',
      en: 'UTF-16 is not supported',
      fixZh: '请另存为 UTF-8 或 GBK',
      fixEn: 'save the file as UTF-8 or GBK',
    });
  }
  const offset = hadBom ? 3 : 0;
  const declared = declaredEncoding(bytes, offset);
  const encoding = hadBom ? 'UTF-8' : declared ? normaliseEncoding(declared, where) : 'UTF-8';
  if (hadBom && declared && normaliseEncoding(declared, where) !== 'UTF-8') {
    throw new GatewayError('GW_ERR_XML_ENCODING', {
      where,
      zh: `文件带 UTF-8 BOM，但声明编码为 ${declared}`,
      en: `file has a UTF-8 BOM but declares ${declared}`,
      fixZh: '删除 BOM 或把声明改为 UTF-8',
      fixEn: 'remove the BOM or declare UTF-8',
    });
  }
  const label = encoding === 'UTF-8' ? 'utf-8' : encoding === 'GBK' ? 'gbk' : 'gb18030';
  try {
    const text = new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(offset),
    );
    return { text, encoding, hadBom, ...(declared ? { declared } : {}) };
  } catch {
    const badAt = firstBadByte(bytes.subarray(offset), label);
    throw new GatewayError('GW_ERR_XML_ENCODING', {
      where: badAt === undefined ? where : `${where}, byte ${badAt + offset}`,
      zh: `内容不是有效的 ${encoding} 编码${declared ? '' : '（未声明编码，按 UTF-8 读取）'}`,
      en: `content is not valid ${encoding}${declared ? '' : ' (no encoding declared, read as UTF-8)'}`,
      fixZh: '在 XML 声明中写明实际编码，例如 <?xml version="1.0" encoding="GBK"?>',
      fixEn: 'declare the real encoding, e.g. <?xml version="1.0" encoding="GBK"?>',
    });
  }
}

function firstBadByte(bytes: Uint8Array, label: string): number | undefined {
  // Binary search for the shortest prefix that fails to decode; good enough to point at a spot.
  let lo = 0;
  let hi = bytes.length;
  const dec = (n: number): boolean => {
    try {
      new TextDecoder(label, { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (dec(hi)) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dec(mid + 1)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Encodes text for output in the given encoding. */
export function encodeXml(text: string, encoding: XmlEncoding): Buffer {
  return encoding === 'UTF-8'
    ? Buffer.from(text, 'utf8')
    : iconv.encode(text, encoding === 'GBK' ? 'gbk' : 'gb18030');
}

/**
 * Refuses what a hostile or broken file could use against the parser (DTDs, entity declarations,
 * excessive size or depth) and checks well-formedness, with line and column of the first error.
 */
export function checkXml(
  text: string,
  where = 'document',
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): void {
  if (text.length > limits.maxBytes) {
    throw new GatewayError('GW_ERR_XML_LIMIT', {
      where,
      zh: `文件过大（上限 ${limits.maxBytes} 字节）`,
      en: `document too large (limit ${limits.maxBytes} bytes)`,
    });
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new GatewayError('GW_ERR_XML_DTD', {
      where,
      zh: '报文包含 DOCTYPE 或 ENTITY 声明',
      en: 'the document contains a DOCTYPE or ENTITY declaration',
      fixZh: '删除 DOCTYPE 声明；报文不需要 DTD',
      fixEn: 'remove the DOCTYPE; messages do not use DTDs',
    });
  }
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result !== true) {
    const { msg, line, col } = result.err;
    throw new GatewayError('GW_ERR_XML_MALFORMED', {
      where: `${where}, line ${line}, column ${col}`,
      zh: `XML 格式错误：${msg}`,
      en: `XML is not well-formed: ${msg}`,
      fixZh: '检查该行的标签是否成对、属性是否加引号、& 是否写成 &amp;',
      fixEn: 'check that tags are closed, attributes quoted and & written as &amp;',
    });
  }
  const depth = maxDepth(text);
  if (depth > limits.maxDepth) {
    throw new GatewayError('GW_ERR_XML_LIMIT', {
      where,
      zh: `元素嵌套过深（${depth} 层，上限 ${limits.maxDepth}）`,
      en: `elements nested too deep (${depth}, limit ${limits.maxDepth})`,
    });
  }
}

function maxDepth(text: string): number {
  let depth = 0;
  let max = 0;
  const re = /<(\/?)[A-Za-z_][^>]*?(\/?)>|<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].startsWith('<!')) continue;
    if (m[1]) depth--;
    else if (!m[2]) {
      depth++;
      if (depth > max) max = depth;
    }
  }
  return max;
}

/** Replaces (or adds) the XML declaration so the text can be re-encoded as UTF-8. */
export function withUtf8Declaration(xml: string): string {
  const decl = /^<\?xml[^?]*\?>/.exec(xml);
  if (!decl) return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  const updated = /\bencoding\s*=/.test(decl[0])
    ? decl[0].replace(/\bencoding\s*=\s*(["'])[^"']*\1/, 'encoding="UTF-8"')
    : decl[0].replace(/\?>$/, ' encoding="UTF-8"?>');
  return updated + xml.slice(decl[0].length);
}
