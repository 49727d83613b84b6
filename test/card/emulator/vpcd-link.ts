/**
 * The card side of vpcd's socket protocol (vsmartcard 3.3): the emulator is a TCP client of the
 * vpcd driver inside pcscd. Each message, both ways, is a 2-byte big-endian length + payload.
 * A 1-byte payload from vpcd is a control code (00 power off, 01 power on, 02 reset: no reply;
 * 04: reply with the ATR); anything longer is a C-APDU, answered by exactly one R-APDU.
 * A connected socket is a card in the reader; closing it pulls the card.
 */
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { VirtualCard } from './virtual-card.js';

const RECONNECT_MS = 200;

function frame(payload: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(payload.length);
  return Buffer.concat([head, payload]);
}

export class VpcdLink extends EventEmitter {
  private socket: Socket | undefined;
  private inserted = false;
  private timer: NodeJS.Timeout | undefined;
  private buffer = Buffer.alloc(0);
  private isConnected = false;

  constructor(
    readonly card: VirtualCard,
    readonly port: number,
    readonly host = '127.0.0.1',
  ) {
    super();
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Puts the card in: connects now and again whenever vpcd drops us, until `remove`. */
  insert(): void {
    if (this.inserted) return;
    this.inserted = true;
    this.dial();
  }

  /** Pulls the card: closes the connection and stops reconnecting. */
  remove(): void {
    this.inserted = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    this.card.powerOff();
    this.setConnected(false);
  }

  private setConnected(value: boolean): void {
    if (value === this.isConnected) return;
    this.isConnected = value;
    this.emit(value ? 'connected' : 'disconnected');
  }

  private dial(): void {
    this.timer = undefined;
    if (!this.inserted) return;
    const socket = connect({ port: this.port, host: this.host });
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.on('connect', () => this.setConnected(true));
    socket.on('data', (chunk) => this.onData(socket, chunk));
    socket.on('error', () => {
      // refused while vpcd is not listening yet, or reset when pcscd goes away: 'close' follows
    });
    socket.on('close', () => {
      if (socket !== this.socket) return;
      this.socket = undefined;
      this.card.powerOff();
      this.setConnected(false);
      if (this.inserted) this.timer = setTimeout(() => this.dial(), RECONNECT_MS);
    });
  }

  private onData(socket: Socket, chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 2) {
      const len = this.buffer.readUInt16BE(0);
      if (this.buffer.length < 2 + len) return;
      const payload = this.buffer.subarray(2, 2 + len);
      this.buffer = this.buffer.subarray(2 + len);
      if (len === 1) {
        const code = payload[0];
        if (code === 0x00) this.card.powerOff();
        else if (code === 0x01) this.card.powerOn();
        else if (code === 0x02) this.card.reset();
        else if (code === 0x04) socket.write(frame(this.card.atr));
      } else if (len > 1) {
        socket.write(frame(this.card.process(Buffer.from(payload))));
      }
    }
  }
}
