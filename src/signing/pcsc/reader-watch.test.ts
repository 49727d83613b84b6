/** ReaderWatch against a stand-in for pcsclite: presence, swaps, lost service and readers. */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { silentCardLog } from './card-log.js';
import type { PcscContext, PcscFactory, PcscReader } from './pcsclite-binding.js';
import { ReaderWatch } from './reader-watch.js';

const PRESENT = 0x20;
const EMPTY = 0x10;
const MUTE = 0x200;

class FakeReader extends EventEmitter {
  connected = false;
  closed = 0;
  readonly SCARD_STATE_PRESENT = PRESENT;
  readonly SCARD_STATE_MUTE = MUTE;
  readonly SCARD_SHARE_SHARED = 2;
  readonly SCARD_SHARE_EXCLUSIVE = 1;
  readonly SCARD_PROTOCOL_T0 = 1;
  readonly SCARD_PROTOCOL_T1 = 2;
  readonly SCARD_LEAVE_CARD = 0;
  readonly SCARD_RESET_CARD = 1;
  constructor(readonly name: string) {
    super();
  }
  status(state: number, counter = 0, atr = Buffer.from('3b00', 'hex')): void {
    this.emit('status', { state: (counter << 16) | state, atr });
  }
  connect(): void {}
  disconnect(): void {}
  transmit(): void {}
  close(): void {
    this.closed++;
  }
}

class FakeContext extends EventEmitter {
  readonly readers: Record<string, FakeReader> = {};
  closed = 0;
  announce(name: string): FakeReader {
    const r = new FakeReader(name);
    this.readers[name] = r;
    this.emit('reader', r as unknown as PcscReader);
    return r;
  }
  close(): void {
    this.closed++;
  }
}

/** A factory handing out fresh contexts, or throwing like pcsclite does without pcscd. */
function fakePcsc() {
  const contexts: FakeContext[] = [];
  let down = false;
  const factory: PcscFactory = () => {
    if (down) throw new Error('SCardEstablishContext error: Service not available.(0x8010001d)');
    const c = new FakeContext();
    contexts.push(c);
    return c as unknown as PcscContext;
  };
  return { factory, contexts, setDown: (v: boolean) => (down = v) };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
let watch: ReaderWatch | undefined;
afterEach(async () => {
  await watch?.close();
  watch = undefined;
});

function start(pcsc: ReturnType<typeof fakePcsc>): { watch: ReaderWatch; events: string[] } {
  watch = new ReaderWatch({
    label: 't',
    matches: (n) => n.includes('00 01'),
    reconnectMs: 20,
    log: silentCardLog,
    factory: () => pcsc.factory,
  });
  const events: string[] = [];
  watch.on('present', () => events.push('present'));
  watch.on('absent', (why: string) => events.push(`absent:${why}`));
  watch.start();
  return { watch, events };
}

describe('ReaderWatch', () => {
  it('uses the first matching reader and reports its card coming and going (MUTE counts as absent)', () => {
    const pcsc = fakePcsc();
    const { watch, events } = start(pcsc);
    const ctx = pcsc.contexts[0]!;
    const other = ctx.announce('Virtual PCD 00 00');
    const mine = ctx.announce('Virtual PCD 00 01');
    other.status(PRESENT);
    expect(watch.reader?.name).toBe('Virtual PCD 00 01');
    mine.status(EMPTY);
    expect(watch.present).toBe(false);
    mine.status(PRESENT, 1, Buffer.from('3b8a', 'hex'));
    expect(watch.present).toBe(true);
    expect(watch.atr?.toString('hex')).toBe('3b8a');
    mine.status(PRESENT | MUTE, 1);
    mine.status(PRESENT, 1);
    mine.status(EMPTY, 2);
    expect(events).toEqual(['present', 'absent:card-removed', 'present', 'absent:card-removed']);
  });

  it('a card swapped between two polls (event counter moved, present both times) is a removal and an insertion', () => {
    const pcsc = fakePcsc();
    const { events } = start(pcsc);
    const mine = pcsc.contexts[0]!.announce('Virtual PCD 00 01');
    mine.status(PRESENT, 1);
    mine.status(PRESENT | 0x100, 1); // INUSE changes, same card
    mine.status(PRESENT, 3);
    expect(events).toEqual(['present', 'absent:card-removed', 'present']);
  });

  it('keeps retrying while pcscd is down, then finds the reader', async () => {
    const pcsc = fakePcsc();
    pcsc.setDown(true);
    const { watch, events } = start(pcsc);
    expect(watch.absence).toBe('service-lost');
    await tick(50);
    expect(pcsc.contexts).toHaveLength(0);
    pcsc.setDown(false);
    await tick(40);
    expect(pcsc.contexts).toHaveLength(1);
    pcsc.contexts[0]!.announce('Virtual PCD 00 01').status(PRESENT, 1);
    expect(events).toEqual(['present']);
  });

  it("service lost or reader gone: 'absent', the old context is released and a new one built", async () => {
    const pcsc = fakePcsc();
    const { watch, events } = start(pcsc);
    const first = pcsc.contexts[0]!;
    const reader = first.announce('Virtual PCD 00 01');
    reader.status(PRESENT, 1);
    first.emit(
      'error',
      new Error('SCardGetStatusChange error: Service not available.(0x8010001d)'),
    );
    await tick(5);
    expect(events).toEqual(['present', 'absent:service-lost']);
    await tick(80);
    expect(first.closed).toBe(1);
    expect(reader.closed).toBe(1);
    expect(pcsc.contexts.length).toBe(2);

    const second = pcsc.contexts[1]!;
    const again = second.announce('Virtual PCD 00 01');
    again.status(PRESENT, 1);
    again.emit('end');
    await tick(80);
    expect(events).toEqual(['present', 'absent:service-lost', 'present', 'absent:reader-gone']);
    expect(watch.absence).toBe('reader-gone');
    expect(second.closed).toBe(1);
    expect(pcsc.contexts.length).toBe(3);
  });

  it('close() stops every reader thread and the context, once', async () => {
    const pcsc = fakePcsc();
    const { watch } = start(pcsc);
    const ctx = pcsc.contexts[0]!;
    const a = ctx.announce('Virtual PCD 00 00');
    const b = ctx.announce('Virtual PCD 00 01');
    a.status(EMPTY);
    b.status(EMPTY);
    await tick(30);
    await Promise.all([watch.close(), watch.close()]);
    expect([a.closed, b.closed, ctx.closed]).toEqual([1, 1, 1]);
  });
});
