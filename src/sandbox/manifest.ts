/**
 * 舱单 in the sandbox: MT1101/MT2101/MT3101 (and the air variants) are acknowledged with an
 * empty 200, then one MT9999 response on the receipt feed answers every bill with code 01
 * (海关接受申报), or 03 (退单) when the manifest's AdditionalInformation says SANDBOX:REJECT.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { childElements, childText } from './dom.js';
import { leaf } from './xml-escape.js';

const MT_NS = /^urn:Declaration:datamodel:standard:CN:(MT\d{4}):1$/;

export interface ManifestFacts {
  readonly messageType: string;
  readonly messageId: string;
  readonly journeyId: string;
  readonly transportId: string;
  readonly bills: readonly string[];
  readonly reject: boolean;
}

export function isManifest(doc: Document): boolean {
  const root = doc.documentElement;
  const m = MT_NS.exec(root?.namespaceURI ?? '');
  return Boolean(root && root.localName === 'Manifest' && m && m[1] !== 'MT9999');
}

export function readManifest(doc: Document): ManifestFacts {
  const root = doc.documentElement as Element;
  const ns = root.namespaceURI ?? '';
  const decl = childElements(root, 'Declaration', ns)[0];
  const bills = decl
    ? childElements(decl, 'Consignment', ns)
        .map((c) => childText(c, ['TransportContractDocument', 'ID'], ns))
        .filter(Boolean)
    : [];
  return {
    messageType: childText(root, ['Head', 'MessageType'], ns),
    messageId: childText(root, ['Head', 'MessageID'], ns),
    journeyId: decl ? childText(decl, ['BorderTransportMeans', 'JourneyID'], ns) : '',
    transportId: decl ? childText(decl, ['BorderTransportMeans', 'ID'], ns) : '',
    bills,
    reject: decl
      ? childText(decl, ['AdditionalInformation', 'Content'], ns).includes('SANDBOX:REJECT')
      : false,
  };
}

function sendTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000)
    .toISOString()
    .replace(/[-:T.Z]/g, '')
    .slice(0, 17);
}

/** The MT9999 answering every bill of the manifest. */
export function buildMt9999(f: ManifestFacts, at: Date, seq: number): string {
  const [code, text] = f.reject
    ? ['03', '不允许传输：沙箱模拟退单（备注含 SANDBOX:REJECT）']
    : ['01', '海关接受申报（沙箱模拟）'];
  const consignments = f.bills
    .map(
      (b) =>
        `<Consignment><TransportContractDocument>${leaf('ID', b)}</TransportContractDocument><ResponseType>${leaf('Code', code)}${leaf('Text', text)}</ResponseType></Consignment>`,
    )
    .join('');
  const head = `<Head>${leaf('MessageID', `2200_MT9999_${sendTime(at)}_${seq}`)}${leaf('FunctionCode', '3')}${leaf('MessageType', 'MT9999')}${leaf('SenderID', '2200')}${leaf('ReceiverID', 'EPORT')}${leaf('SendTime', sendTime(at))}${leaf('Version', '1.0')}</Head>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Manifest xmlns="urn:Declaration:datamodel:standard:CN:MT9999:1">${head}<Response><BorderTransportMeans>${leaf('JourneyID', f.journeyId)}${leaf('ID', f.transportId)}</BorderTransportMeans>${consignments}</Response></Manifest>\n`;
}
