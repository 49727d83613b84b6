/**
 * What the Single Window client did with a file the gateway put in its OutBox, as a small XML
 * document the gateway writes itself: the client took it (SentBox), refused it (FailBox), or has
 * not taken it in time. These travel through the receipt stage like customs receipts, so they
 * are durable, correlated by the file stem and recorded in the message's timeline.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { stemOf } from './naming.js';
import type { ParsedReceipt } from './receipt.js';
import type { XNode } from '../core/xml-tree.js';

export const CLIENT_EVENT_NS = 'urn:eport-gateway:sw-client:1';
export const CLIENT_EVENT_ROOT = 'ClientEvent';

export type ClientEventType = 'taken' | 'refused' | 'overdue';

export interface ClientEvent {
  readonly event: ClientEventType;
  /** Client module (FormId), e.g. DECCUS001. */
  readonly module: string;
  /** The file's name in the client's box. */
  readonly fileName: string;
  /** The client's reason for a refusal, when it wrote one. */
  readonly reason?: string;
}

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
});

/** The event as UTF-8 XML; the same event always gives the same bytes (receipts dedupe by hash). */
export function renderClientEvent(e: ClientEvent): Buffer {
  const xml = builder.build({
    [CLIENT_EVENT_ROOT]: {
      '@_xmlns': CLIENT_EVENT_NS,
      Event: e.event,
      Module: e.module,
      FileName: e.fileName,
      Reason: e.reason,
    },
  }) as string;
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`, 'utf8');
}

const TEXT: Record<ClientEventType, { code: string; zh: string; en: string }> = {
  taken: {
    code: 'TAKEN',
    zh: '单一窗口客户端已取走报文（SentBox）',
    en: 'taken by the Single Window client (SentBox)',
  },
  refused: {
    code: 'REFUSED',
    zh: '单一窗口客户端拒收报文（FailBox）',
    en: 'refused by the Single Window client (FailBox)',
  },
  overdue: {
    code: 'OVERDUE',
    zh: '单一窗口客户端超时未取走报文，客户端是否在运行？',
    en: 'not taken by the Single Window client in time: is the client running?',
  },
};

function text(node: XNode, name: string): string {
  if (typeof node !== 'object' || node === null) return '';
  const v = (node as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

/** Reads a ClientEvent root into a receipt (family sw-client). */
export function readClientEvent(node: XNode): ParsedReceipt {
  const event = text(node, 'Event') as ClientEventType;
  const t = TEXT[event] ?? {
    code: event.toUpperCase() || 'UNKNOWN',
    zh: '客户端事件',
    en: 'client event',
  };
  const reason = text(node, 'Reason');
  const fileName = text(node, 'FileName');
  const negative = event === 'refused';
  const status = negative ? 'rejected' : 'sent';
  return {
    family: 'sw-client',
    kind:
      event === 'refused'
        ? 'client-refused'
        : event === 'overdue'
          ? 'client-overdue'
          : 'client-taken',
    messageType: CLIENT_EVENT_ROOT,
    keys: fileName ? { sourceStem: stemOf(fileName) } : {},
    code: t.code,
    text: `${t.zh} / ${t.en}: ${fileName}${reason ? ` — ${reason}` : ''}`,
    status,
    terminal: negative,
    negative,
  };
}

/** Kinds that only go into the message's timeline; they are not written back to the enterprise. */
export const TIMELINE_ONLY_KINDS: ReadonlySet<string> = new Set(['client-taken', 'client-overdue']);
