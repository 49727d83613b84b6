import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the fake customs endpoint received it. */
export interface Submission {
  readonly clientSeqNo: string;
  readonly bytes: Buffer;
  readonly idempotencyKey: string;
  /** Whether it was answered 503 (the endpoint was "down"). */
  readonly refused: boolean;
  readonly at: number;
}

/**
 * A loopback HTTP endpoint standing in for customs that fails on demand: while `failing` is true
 * it answers 503, else 200 with an empty body. Records every submission, refused or not, in order.
 * `delayMs` slows every answer, to keep a deliver worker busy.
 */
export class FakeCustoms {
  failing = false;
  /** Refuses only the declarations this picks (by ClientSeqNo), on top of `failing`. */
  failIf: (clientSeqNo: string) => boolean = () => false;
  delayMs = 0;
  readonly submissions: Submission[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const clientSeqNo = /<ClientSeqNo>([^<]*)</.exec(bytes.toString('utf8'))?.[1] ?? '';
        const refused = this.failing || this.failIf(clientSeqNo);
        this.submissions.push({
          at: Date.now(),
          clientSeqNo,
          bytes,
          idempotencyKey: String(req.headers['idempotency-key']),
          refused,
        });
        setTimeout(
          () => (refused ? res.writeHead(503).end('down') : res.writeHead(200).end()),
          this.delayMs,
        );
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/dec/submit`;
    return this;
  }

  of(clientSeqNo: string): Submission[] {
    return this.submissions.filter((s) => s.clientSeqNo === clientSeqNo);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
