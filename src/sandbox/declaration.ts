/**
 * Reads the few `DecMessage` fields the sandbox needs. Called on the *signed* content (the
 * canonical form xml-crypto verified), so nothing unsigned can steer the result.
 */
import type { Document } from '@xmldom/xmldom';
import { DEC_NS } from './namespaces.js';
import { childElement, childText, isElement } from './dom.js';

/** What the sandbox takes from a 报关单. */
export interface DeclarationFacts {
  /** `DecSign/ClientSeqNo`, '' when missing. */
  readonly clientSeqNo: string;
  /** `DecHead/IEFlag`: I or E ('' when missing). */
  readonly ieFlag: string;
  /** `DecHead/CustomMaster` (申报地海关). */
  readonly customMaster: string;
  /** `DecHead/IEDate` (进出口日期). */
  readonly ieDate: string;
  /** `DecHead/NoteS` (备注). */
  readonly noteS: string;
  readonly hasHead: boolean;
}

/** True when the document root is `DecMessage` in the dec namespace. */
export function isDecMessage(doc: Document): boolean {
  return isElement(doc.documentElement, 'DecMessage', DEC_NS);
}

/** Reads the facts; fields that are absent come back as ''. */
export function readDeclaration(doc: Document): DeclarationFacts {
  const root = doc.documentElement;
  if (!root)
    return { clientSeqNo: '', ieFlag: '', customMaster: '', ieDate: '', noteS: '', hasHead: false };
  const head = childElement(root, 'DecHead', DEC_NS);
  const headText = (name: string): string => (head ? childText(head, [name], DEC_NS) : '');
  return {
    clientSeqNo: childText(root, ['DecSign', 'ClientSeqNo'], DEC_NS),
    ieFlag: headText('IEFlag'),
    customMaster: headText('CustomMaster'),
    ieDate: headText('IEDate'),
    noteS: headText('NoteS'),
    hasHead: head !== undefined,
  };
}

/** Best-effort ClientSeqNo of a not-yet-verified document, for statistics and failure echoes only. */
export function peekClientSeqNo(doc: Document): string {
  return isDecMessage(doc) ? readDeclaration(doc).clientSeqNo : '';
}
