import { XMLBuilder } from 'fast-xml-parser';
import type { ErrorClass, ErrorDetail, GatewayCode } from '../core/errors.js';

export const GATEWAY_RECEIPT_NS = 'urn:eport-gateway:receipt:1';

/** A receipt the gateway itself issues: an error, a dead letter, a duplicate notice. */
export interface GatewayReceipt {
  readonly kind: 'error' | 'dead' | 'duplicate' | 'cancelled';
  readonly messageId: string;
  readonly channel: string;
  readonly sourceFile: string;
  readonly status: string;
  readonly code: GatewayCode;
  readonly errorClass?: ErrorClass;
  readonly zh: string;
  readonly en: string;
  readonly details: readonly ErrorDetail[];
  readonly time: Date;
}

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
});

export type ReceiptFormat = 'xml' | 'json';

/** Renders a gateway receipt in the channel's format. */
export function renderGatewayReceiptAs(r: GatewayReceipt, format: ReceiptFormat): Buffer {
  if (format === 'xml') return renderGatewayReceipt(r);
  const { time, ...rest } = r;
  return Buffer.from(
    `${JSON.stringify({ receipt: 'eport-gateway/1', ...rest, time: time.toISOString() }, null, 2)}\n`,
    'utf8',
  );
}

/**
 * Renders a gateway receipt as UTF-8 XML, readable by people (Chinese and English) and machines
 * (stable element names and codes). The legacy system reads these like customs receipts.
 */
export function renderGatewayReceipt(r: GatewayReceipt): Buffer {
  const body = {
    GatewayReceipt: {
      '@_xmlns': GATEWAY_RECEIPT_NS,
      '@_kind': r.kind,
      MessageId: r.messageId,
      Channel: r.channel,
      SourceFile: r.sourceFile,
      Status: r.status,
      Code: r.code,
      ErrorClass: r.errorClass,
      TextZh: r.zh,
      TextEn: r.en,
      Details: r.details.length
        ? {
            Detail: r.details.map((d) => ({
              Where: d.where,
              Field: d.field,
              FieldZh: d.fieldZh,
              Rule: d.rule,
              TextZh: d.zh,
              TextEn: d.en,
              FixZh: d.fixZh,
              FixEn: d.fixEn,
            })),
          }
        : undefined,
      Time: r.time.toISOString(),
    },
  };
  const xml = builder.build(body) as string;
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`, 'utf8');
}
