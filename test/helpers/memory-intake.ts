import { LeasedPoller } from '../../src/core/leased-poller.js';
import type { AcceptOutcome, IntakeHandler, IntakeSource } from '../../src/gateway/intake.js';
import { pino } from 'pino';

/**
 * An in-memory inbox and the fake intake sources that read it, for tests of what sits behind an
 * intake (the pipeline) without a disk. It keeps the IntakeSource contract like the folder intake
 * does: a document is claimed, handed over, and archived only once accept resolved; a claimed
 * document (accept failed, or the source stopped) is handed over again by the next poll or the
 * next source over the same inbox.
 */
export class MemoryInbox {
  private readonly waiting = new Map<string, { bytes: Buffer; complete: boolean }>();
  private readonly claimed = new Map<string, Buffer>();
  readonly archived: { name: string; kind: AcceptOutcome['kind'] }[] = [];

  put(name: string, bytes: Buffer): void {
    this.waiting.set(name, { bytes, complete: true });
  }

  /** A document still being written: never taken until `complete`. */
  begin(name: string, bytes: Buffer): void {
    this.waiting.set(name, { bytes, complete: false });
  }

  complete(name: string, rest: Buffer): void {
    const w = this.waiting.get(name);
    if (!w) throw new Error(`no document ${name} being written`);
    this.waiting.set(name, { bytes: Buffer.concat([w.bytes, rest]), complete: true });
  }

  /** Names waiting or claimed, not archived yet. */
  held(): string[] {
    return [...this.waiting.keys(), ...this.claimed.keys()].sort();
  }

  archivedNames(): string[] {
    return this.archived.map((a) => a.name).sort();
  }

  /** A source over this inbox (one per process; after a "restart", make another). */
  source(channel: string, pollMs = 5): IntakeSource {
    return new MemoryIntakeSource(this, channel, pollMs);
  }

  /** @internal the source's steps */
  claimNext(): string | undefined {
    for (const [name, w] of this.waiting)
      if (w.complete) {
        this.waiting.delete(name);
        this.claimed.set(name, w.bytes);
        return name;
      }
    return undefined;
  }

  /** @internal */
  claimedNames(): string[] {
    return [...this.claimed.keys()];
  }

  /** @internal */
  claimedBytes(name: string): Buffer | undefined {
    return this.claimed.get(name);
  }

  /** @internal */
  archive(name: string, kind: AcceptOutcome['kind']): void {
    this.claimed.delete(name);
    this.archived.push({ name, kind });
  }
}

class MemoryIntakeSource implements IntakeSource {
  readonly name: string;
  private readonly poller: LeasedPoller;

  constructor(
    private readonly inbox: MemoryInbox,
    private readonly channel: string,
    pollMs: number,
  ) {
    this.name = `memory:${channel}`;
    this.poller = new LeasedPoller({
      fields: { inbox: this.name },
      intervalMs: pollMs,
      log: pino({ level: 'silent' }),
      text: { failed: 'memory inbox poll failed', recovered: 'memory inbox polled again' },
    });
  }

  async start(handler: IntakeHandler): Promise<void> {
    this.poller.start(async () => {
      // Claimed documents first (left by a failed accept or a stopped source), then new ones.
      for (const name of this.inbox.claimedNames()) {
        if (this.poller.stopped) return;
        await this.handOver(name, handler).catch(() => undefined);
      }
      for (let name = this.inbox.claimNext(); name; name = this.inbox.claimNext()) {
        await this.handOver(name, handler).catch(() => undefined);
        if (this.poller.stopped) return;
      }
    });
  }

  private async handOver(name: string, handler: IntakeHandler): Promise<void> {
    const bytes = this.inbox.claimedBytes(name);
    if (!bytes) return;
    const outcome = await handler.accept({ channel: this.channel, name, bytes });
    this.inbox.archive(name, outcome.kind);
    await handler.archived(outcome.messageId, `memory:${name}`, outcome.kind);
  }

  async close(): Promise<void> {
    await this.poller.close();
  }
}
