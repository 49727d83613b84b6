import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeEportService, type FakeEportService } from './fake-eport-service.js';
import { EPORT_METHODS } from './protocol.js';

let fake: FakeEportService;
let ws: WebSocket | undefined;

/** A raw client: collects every frame the fake sends. */
async function connect(): Promise<{ frames: unknown[]; next: (n: number) => Promise<unknown[]> }> {
  const socket = new WebSocket(fake.url);
  ws = socket;
  const frames: unknown[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (d) => {
    frames.push(JSON.parse(String(d)));
    for (const w of waiters.splice(0)) w();
  });
  await new Promise((r) => socket.once('open', r));
  const next = async (n: number) => {
    while (frames.length < n) await new Promise<void>((r) => waiters.push(r));
    return frames.slice(0, n);
  };
  return { frames, next };
}

function send(method: string, id: number, args: Record<string, unknown> = {}): void {
  ws!.send(JSON.stringify({ _method: method, _id: id, args }));
}

beforeEach(async () => {
  fake = await startFakeEportService({ pin: '11112222', pinTries: 2 });
});
afterEach(async () => {
  ws?.terminate();
  ws = undefined;
  await fake.close();
});

describe('fake E-Port control', () => {
  it('greets, then answers with the documented envelope, echoing _id and _method', async () => {
    const c = await connect();
    send(EPORT_METHODS.getCertNo, 41);
    const [greeting, answer] = await c.next(2);
    expect(greeting).toEqual({
      _id: 0,
      _method: 'open',
      _status: '00',
      _args: { Result: true, Data: [], Error: [] },
    });
    expect(answer).toEqual({
      _id: 41,
      _method: EPORT_METHODS.getCertNo,
      _status: '00',
      _args: { Result: true, Data: [fake.card.certificate.certNo], Error: [] },
    });
  });

  it('counts down PIN tries and locks; a locked card refuses the right PIN too', async () => {
    const c = await connect();
    send(EPORT_METHODS.signDataAsPem, 1, { inData: 'x', passwd: 'bad' });
    send(EPORT_METHODS.signDataAsPem, 2, { inData: 'x', passwd: 'bad' });
    send(EPORT_METHODS.signDataAsPem, 3, { inData: 'x', passwd: '11112222' });
    const frames = (await c.next(4)).slice(1) as { _args: { Result: boolean; Error: string[] } }[];
    expect(frames.map((f) => f._args.Result)).toEqual([false, false, false]);
    expect(frames[0]!._args.Error[0]).toContain('剩余重试次数:1');
    expect(frames[1]!._args.Error[0]).toContain('口令已锁定');
    expect(frames[2]!._args.Error[0]).toContain('口令已锁定');
    expect(fake.card.pinTriesLeft).toBe(0);
  });

  it('answers the reader failure when the card is pulled', async () => {
    const c = await connect();
    fake.setCardPresent(false);
    send(EPORT_METHODS.getSignCertAsPem, 5);
    const [, answer] = await c.next(2);
    expect(answer).toMatchObject({
      _id: 5,
      _args: {
        Result: false,
        Error: ['[读卡器底层库]复位读卡器失败:错误码=50070', 'Err:Custom50070'],
      },
    });
  });

  it('catches a client that sends a second request before the first is answered', async () => {
    const c = await connect();
    send(EPORT_METHODS.getCertNo, 1);
    send(EPORT_METHODS.getCertNo, 2);
    await c.next(3);
    expect(fake.maxInFlight).toBe(2);
    expect(fake.violations[0]).toContain('2 requests in flight');
  });

  it('records requests that break the protocol', async () => {
    await connect();
    ws!.send('{"_method":"cus-sec_SpcGetCertNo","_id":"1"}');
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.violations[0]).toContain('lacks _method');
  });
});
