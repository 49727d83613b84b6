/**
 * A protocol-faithful fake of the E-Port client control's websocket service, for tests and the
 * sandbox: a ws server on 127.0.0.1 (random port) that greets with `{"_method":"open"}`, answers
 * the `cus-sec_*` methods from a FakeCard, echoes `_id`/`_method` with `_status` "00", and can be
 * told to misbehave the ways the real one does: card pulled, wrong PIN, slow or no answer, dropped
 * connection, unreadable reply, refused connections.
 *
 * It also checks the client: it counts requests in flight across all connections (the card is
 * serial, so a correct client never has more than one) and records protocol violations.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CARD_ABSENT_ERRORS, FakeCard, type FakeCardOptions, type ReplyBody } from './fake-card.js';
import { OPEN_METHOD, STATUS_OK } from './protocol.js';

/** A way to misbehave, for the next request(s) of a method. */
export type FakeFault =
  /** Answer Result false with the reader-reset failure (card pulled / key gone dark). */
  | { readonly kind: 'card-absent' }
  /** Answer Result false with these error texts. */
  | { readonly kind: 'errors'; readonly errors: readonly string[] }
  /** Answer Result true with this Data (a wrong signature, a missing field…). */
  | { readonly kind: 'answer'; readonly data: readonly unknown[] }
  /** Answer normally, but only after `ms`. */
  | { readonly kind: 'slow'; readonly ms: number }
  /** Never answer. */
  | { readonly kind: 'silent' }
  /** Close the connection instead of answering. */
  | { readonly kind: 'drop' }
  /** Send this text instead of the reply (unreadable JSON, wrong shape…). */
  | { readonly kind: 'raw'; readonly text: string };

export interface FakeEportServiceOptions extends FakeCardOptions {
  /** Send the `open` greeting on connect (default true). */
  readonly greet?: boolean;
  /** Time the card takes per request (default 5 ms), so overlapping requests would be seen. */
  readonly latencyMs?: number;
}

/** One request as the fake received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly id: unknown;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface FakeEportService {
  /** ws://127.0.0.1:PORT */
  readonly url: string;
  readonly card: FakeCard;
  /** Every request received, in order (including the PIN: test use only). */
  readonly requests: readonly ReceivedRequest[];
  /** Most requests ever in flight at once (a correct client keeps it at 1). */
  readonly maxInFlight: number;
  /** What the client did against the protocol (malformed requests, overlapping requests). */
  readonly violations: readonly string[];
  /** Connections accepted so far. */
  readonly connectionCount: number;
  /** Requests received for a method. */
  count(method: string): number;
  /** Pull (false) or insert (true) the card. */
  setCardPresent(present: boolean): void;
  /** Swaps in another card (another key, certificate and number). */
  insertCard(options?: FakeCardOptions): FakeCard;
  /** Misbehave on the next `times` requests of `method` ('*' = any method). */
  fail(method: string, fault: FakeFault, times?: number): void;
  /** Closes every open connection abruptly (as when the control crashes). */
  dropConnections(): void;
  /** Refuses new connections with HTTP 503 while true (as when the control is not running). */
  refuseConnections(refuse: boolean): void;
  close(): Promise<void>;
}

interface FaultEntry {
  readonly method: string;
  readonly fault: FakeFault;
  left: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeEportService(
  options: FakeEportServiceOptions = {},
): Promise<FakeEportService> {
  let card = new FakeCard(options);
  const latencyMs = options.latencyMs ?? 5;
  const requests: ReceivedRequest[] = [];
  const violations: string[] = [];
  const faults: FaultEntry[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let connectionCount = 0;
  let refusing = false;

  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: false,
    verifyClient: (_info, done) => done(!refusing, 503, 'E-Port control not running (fake)'),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  function takeFault(method: string): FakeFault | undefined {
    const entry = faults.find((f) => f.left > 0 && (f.method === method || f.method === '*'));
    if (!entry) return undefined;
    entry.left--;
    return entry.fault;
  }

  function reply(ws: WebSocket, id: unknown, method: string, body: ReplyBody): void {
    if (ws.readyState === ws.OPEN)
      ws.send(JSON.stringify({ _id: id, _method: method, _status: STATUS_OK, _args: body }));
  }

  /** Handles one request. Its in-flight slot is given back once: on reply, on drop, or when the connection closes. */
  async function handle(ws: WebSocket, text: string, onClose: Set<() => void>): Promise<void> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      violations.push(`request is not JSON: ${text.slice(0, 80)}`);
      return;
    }
    if (
      !isRecord(msg) ||
      typeof msg._method !== 'string' ||
      typeof msg._id !== 'number' ||
      !isRecord(msg.args)
    ) {
      violations.push(
        `request lacks _method (string), _id (number) or args (object): ${text.slice(0, 80)}`,
      );
      return;
    }
    const method = msg._method;
    const id = msg._id;
    requests.push({ method, id, args: msg.args });

    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (inFlight > 1)
      violations.push(`${inFlight} requests in flight at once (at ${method} #${id})`);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
      onClose.delete(release);
    };
    // A request the client gave up on stops occupying the card when its connection goes away.
    onClose.add(release);
    try {
      const fault = takeFault(method);
      if (fault?.kind === 'silent') return;
      if (fault?.kind === 'drop') {
        release();
        ws.terminate();
        return;
      }
      await sleep(fault?.kind === 'slow' ? fault.ms : latencyMs);
      if (released) return;
      if (fault?.kind === 'raw') {
        release();
        if (ws.readyState === ws.OPEN) ws.send(fault.text);
        return;
      }
      const body =
        fault?.kind === 'card-absent'
          ? { Result: false, Data: [], Error: [...CARD_ABSENT_ERRORS] }
          : fault?.kind === 'errors'
            ? { Result: false, Data: [], Error: [...fault.errors] }
            : fault?.kind === 'answer'
              ? { Result: true, Data: [...fault.data], Error: [] }
              : await card.answer(method, msg.args);
      // Free the card before the reply leaves, as the real card is done once it answers.
      release();
      reply(ws, id, method, body);
    } catch (err) {
      release();
      reply(ws, id, method, { Result: false, Data: [], Error: [`[fake] ${String(err)}`] });
    }
  }

  server.on('connection', (ws) => {
    connectionCount++;
    const onClose = new Set<() => void>();
    ws.on('close', () => {
      for (const release of [...onClose]) release();
    });
    ws.on('error', () => {});
    if (options.greet ?? true) {
      ws.send(
        JSON.stringify({
          _id: 0,
          _method: OPEN_METHOD,
          _status: STATUS_OK,
          _args: { Result: true, Data: [], Error: [] },
        }),
      );
    }
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        violations.push('binary frame');
        return;
      }
      void handle(ws, Buffer.isBuffer(data) ? data.toString('utf8') : String(data), onClose);
    });
  });

  return {
    url: `ws://127.0.0.1:${port}`,
    get card() {
      return card;
    },
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    violations,
    get connectionCount() {
      return connectionCount;
    },
    count: (method) => requests.filter((r) => r.method === method).length,
    setCardPresent(present) {
      card.present = present;
    },
    insertCard(cardOptions) {
      card = new FakeCard(cardOptions);
      return card;
    },
    fail(method, fault, times = 1) {
      faults.push({ method, fault, left: times });
    },
    dropConnections() {
      for (const ws of server.clients) ws.terminate();
    },
    refuseConnections(refuse) {
      refusing = refuse;
    },
    async close() {
      for (const ws of server.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
