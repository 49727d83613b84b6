import { XMLParser, type X2jOptions } from 'fast-xml-parser';
import { checkXml, decodeXml, type DecodedXml, type XmlLimits } from './xml-text.js';

/**
 * The one way the gateway parses XML it did not write itself. Every parse goes through checkXml
 * first, so DTDs and entity declarations are refused, size and depth are bounded and the text is
 * well-formed before fast-xml-parser sees it; the parser itself expands only the five predefined
 * XML entities and numeric references (no HTML entities) and keeps its own nesting limit.
 */

/** The options a caller may choose: how the parsed tree looks, never how entities are handled. */
export type XmlShape = Pick<
  X2jOptions,
  | 'ignoreAttributes'
  | 'attributeNamePrefix'
  | 'textNodeName'
  | 'removeNSPrefix'
  | 'parseTagValue'
  | 'parseAttributeValue'
  | 'trimValues'
  | 'ignoreDeclaration'
  | 'ignorePiTags'
  | 'isArray'
>;

export interface SafeXmlParser {
  /** Checks the text (checkXml) and parses it; throws the checker's GatewayError on bad input. */
  parse(text: string, where: string, limits?: XmlLimits): unknown;
  /** Decodes the bytes (BOM, declared encoding), then checks and parses the text. */
  parseBytes(
    bytes: Uint8Array,
    where: string,
    limits?: XmlLimits,
  ): { readonly doc: unknown; readonly decoded: DecodedXml };
}

/** A parser with the caller's tree shape and the gateway's fixed safety settings. */
export function safeXmlParser(shape: XmlShape): SafeXmlParser {
  const parser = new XMLParser({
    ...shape,
    processEntities: true,
    htmlEntities: false,
    maxNestedTags: 100,
  });
  const parse = (text: string, where: string, limits?: XmlLimits): unknown => {
    checkXml(text, where, limits);
    return parser.parse(text) as unknown;
  };
  return {
    parse,
    parseBytes(bytes, where, limits) {
      const decoded = decodeXml(bytes, where);
      return { doc: parse(decoded.text, where, limits), decoded };
    },
  };
}
