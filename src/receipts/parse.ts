/**
 * Entry point: bytes of a receipt file in, a classified receipt out. Pure — no I/O, no clock.
 */
import { GatewayError, isGatewayError, type ErrorDetail } from '../core/errors.js';
import { decodeXml } from '../core/xml-text.js';
import { CEB_ROOT, readCeb900, readCebReturn } from './ceb.js';
import { readDecData, readDecImportResponse, readDecResult } from './dec.js';
import { readDxpRep, unwrapDxpMsg } from './dxp.js';
import { readTrnResult } from './trn.js';
import { isMt9999, readMt9999 } from './manifest.js';
import { findHzApproval, readHzApproval } from './hz-approval.js';
import { CLIENT_EVENT_ROOT, readClientEvent } from './client-event.js';
import {
  AGR_RESPONSE_ROOT,
  isAgrConfirmation,
  readAgrConfirmation,
  readAgrResponse,
} from './acd.js';
import { responseSourceStem, stemOf } from './naming.js';
import type { ParsedReceipt, ReceiptEnvelope } from './receipt.js';
import { unknownReceipt } from './record.js';
import { packageInSignature, readSasPackage, readSasResponse, SAS_RESPONSE_ROOTS } from './sas.js';
import { parseTree, type XNode } from '../core/xml-tree.js';

/** Routes a root element to its family reader; unknown shapes become family 'unknown'. */
function classify(root: string, node: XNode, where: string): ParsedReceipt {
  if (root === 'DecImportResponse') return readDecImportResponse(node, where);
  if (root === 'DEC_RESULT') return readDecResult(node, where);
  if (root === 'DEC_DATA') return readDecData(node, where) ?? unknownReceipt(root);
  if (root === 'TRN_RESULT') return readTrnResult(node, where);
  if (root === 'CEB900Message') return readCeb900(node);
  if (CEB_ROOT.test(root)) return readCebReturn(root, node) ?? unknownReceipt(root);
  if (SAS_RESPONSE_ROOTS.has(root)) return readSasResponse(root, node);
  if (root === 'Package') return readSasPackage(node) ?? unknownReceipt(root);
  if (root === AGR_RESPONSE_ROOT) return readAgrResponse(node);
  if (root === 'Signature' && isAgrConfirmation(node)) return readAgrConfirmation(node);
  if (root === 'Signature') {
    const pkg = packageInSignature(node);
    return (pkg !== undefined ? readSasPackage(pkg) : undefined) ?? unknownReceipt(root);
  }
  if (root === 'DxpRep') return readDxpRep(node);
  if (root === 'Manifest' && isMt9999(node)) return readMt9999(node);
  if (root === CLIENT_EVENT_ROOT) return readClientEvent(node);
  const hz = findHzApproval(root, node);
  if (hz !== undefined) return readHzApproval(hz, where);
  return unknownReceipt(root);
}

function unparseable(where: string, err: unknown): GatewayError {
  const detail: ErrorDetail = { where, zh: '回执无法解析', en: 'receipt cannot be parsed' };
  // Keep what decodeXml/checkXml said (line, column, encoding) after our own detail.
  const inner: ErrorDetail[] = isGatewayError(err)
    ? [...err.details]
    : [
        {
          where,
          zh: String((err as Error)?.message ?? err),
          en: String((err as Error)?.message ?? err),
        },
      ];
  return new GatewayError('GW_ERR_RECEIPT_UNPARSEABLE', [detail, ...inner], { cause: err });
}

/** Decodes, checks and parses bytes into a root element; every failure is UNPARSEABLE. */
function readRoot(bytes: Uint8Array, where: string): { name: string; node: XNode } {
  try {
    if (bytes.length === 0) throw new Error('empty file');
    const { text } = decodeXml(bytes, where);
    return parseTree(text, where);
  } catch (err) {
    throw unparseable(where, err);
  }
}

function parseLayer(bytes: Uint8Array, where: string, envelope?: ReceiptEnvelope): ParsedReceipt {
  const { name, node } = readRoot(bytes, where);
  if (name === 'DxpMsg') {
    // One envelope level only: a DxpMsg inside a DxpMsg is not a receipt shape anyone sends.
    if (envelope) throw unparseable(where, new Error('nested DxpMsg'));
    const inner = unwrapDxpMsg(node, where);
    const parsed = parseLayer(inner.payload, `${where} > DxpMsg/Data`, inner.envelope);
    return { ...parsed, envelope: inner.envelope, payload: inner.payload };
  }
  return classify(name, node, where);
}

/**
 * Classifies a receipt file.
 *
 * Decodes the bytes honouring BOM and declared encoding (UTF-8, GB2312/GBK, GB18030), refuses
 * DTDs and malformed XML, unwraps a DxpMsg envelope (plain base64 Data; zipped Data is
 * GW_ERR_RECEIPT_UNSUPPORTED), then routes by root local name (namespace prefixes ignored):
 * DecImportResponse, DEC_RESULT, DEC_DATA, TRN_RESULT, CEBnnnMessage with …Return records, CEB900Message,
 * CommonResponeMessage, Package (金二, by EnvelopInfo/message_type) and DxpRep.
 *
 * Unknown roots are returned as family 'unknown' (status 'sent'), not thrown, so the gateway can
 * still write the file back. Bytes that are not XML, or a known receipt missing its status code,
 * throw GatewayError GW_ERR_RECEIPT_UNPARSEABLE whose details say where and why in zh/en.
 *
 * @param fileName used in error locations and, for `Successed_…`/`Failed_…` client responses,
 *   to recover the dropped file's stem into `keys.sourceStem` (a DxpMsg's AddInfo/FileName is
 *   tried next).
 */
export function parseReceipt(bytes: Buffer, fileName?: string): ParsedReceipt {
  const parsed = parseLayer(bytes, fileName ?? 'receipt');
  if (parsed.kind === 'hz-approval') {
    // AddInfo/FileName echoes the name of the 修撤单 file we handed over: `<business key>.xml`.
    const echoed = parsed.envelope?.fileName;
    const sourceStem = echoed ? stemOf(echoed).replace(/_t-\d+$/, '') : undefined;
    return sourceStem ? { ...parsed, keys: { ...parsed.keys, sourceStem } } : parsed;
  }
  if (
    parsed.kind !== 'import-response' &&
    parsed.kind !== 'sas-response' &&
    parsed.kind !== 'agr-response'
  )
    return parsed;
  // The name is on the file itself, or on the envelope's AddInfo/FileName when it came by DXP.
  const named = [fileName, parsed.envelope?.fileName].filter((n): n is string => n !== undefined);
  const sourceStem = named.map(responseSourceStem).find((s) => s !== undefined);
  return sourceStem === undefined ? parsed : { ...parsed, keys: { ...parsed.keys, sourceStem } };
}
