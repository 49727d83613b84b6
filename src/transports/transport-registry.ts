import type { ResolvedTransport } from '../config/resolve.js';
import { AmqpTransport } from './amqp-transport.js';
import { HttpTransport } from './http-transport.js';
import { SftpTransport } from './sftp-transport.js';
import type { Transport } from './transport.js';
import { SwClientTransport } from './sw-client/sw-client-transport.js';

/** Transport adapters by config `type`. The composition root is the only caller. */
export function createTransport(t: ResolvedTransport): Transport {
  switch (t.type) {
    case 'http':
      return new HttpTransport(t);
    case 'sftp':
      return new SftpTransport(t);
    case 'sw-client':
      return new SwClientTransport(t);
    case 'amqp':
      return new AmqpTransport(t);
  }
}
