import type { GatewayError } from '../../src/core/errors.js';
import type { AcceptOutcome, InboundDocument, IntakeHandler } from '../../src/gateway/intake.js';

/**
 * Stands in for the pipeline in intake tests: records what an intake hands over. `gate` holds
 * accept() open when set; names in `reject` come back rejected.
 */
export class RecordingHandler implements IntakeHandler {
  accepted: InboundDocument[] = [];
  refused: { doc: InboundDocument; code: string }[] = [];
  archivedPaths: string[] = [];
  gate: Promise<void> | undefined;
  reject = new Set<string>();

  async accept(doc: InboundDocument): Promise<AcceptOutcome> {
    this.accepted.push(doc);
    await this.gate;
    const messageId = `m${this.accepted.length}`;
    return this.reject.has(doc.name)
      ? { kind: 'rejected', messageId }
      : { kind: 'accepted', messageId };
  }

  async refuse(doc: InboundDocument, error: GatewayError): Promise<AcceptOutcome> {
    this.refused.push({ doc, code: error.code });
    return { kind: 'rejected', messageId: `r${this.refused.length}` };
  }

  async archived(_id: string, path: string): Promise<void> {
    this.archivedPaths.push(path);
  }
}
