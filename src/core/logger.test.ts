import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('writes JSON lines and never a PIN, passphrase, token or authorization header', () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const log = createLogger({ level: 'info', pretty: false }, sink);
    log.child({ messageId: 'm1' }).info(
      {
        pin: '123456',
        passphrase: 'p@ss',
        signer: { pin: '654321' },
        args: { passwd: '88888888' },
        headers: { authorization: 'Bearer abc' },
      },
      'signing',
    );
    const line = JSON.parse(out.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'signing',
      messageId: 'm1',
      pin: '[redacted]',
      passphrase: '[redacted]',
    });
    for (const secret of ['123456', 'p@ss', '654321', '88888888', 'Bearer abc'])
      expect(out).not.toContain(secret);
  });
});
