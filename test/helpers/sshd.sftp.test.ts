import { afterAll, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { startSshd, sshdUnavailable, type TestSshd } from './sshd.js';
import { skipWithout } from './tools.js';

const skip = skipWithout('sshd helper test', sshdUnavailable());

async function listen(): Promise<Server> {
  const srv = createServer((s) => s.destroy());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}
const portOf = (srv: Server): number => (srv.address() as AddressInfo).port;

/** The first line the server at `port` says: an SSH server says `SSH-2.0-...`. */
function banner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('data', (b) => {
      resolve(b.toString().split('\r\n')[0]!);
      sock.destroy();
    });
    sock.once('error', reject);
  });
}

describe.skipIf(skip)('startSshd', () => {
  let sshd: TestSshd | undefined;
  afterAll(async () => sshd?.dispose());

  it('starts again on a fresh port when its port was taken before sshd could bind it', async () => {
    const squatter = await listen(); // another process got there first
    const spare = await listen();
    const fresh = portOf(spare);
    const ports = [portOf(squatter), fresh];
    await new Promise((r) => spare.close(r));
    try {
      sshd = await startSshd({ nextPort: async () => ports.shift()! });
      expect(ports).toEqual([]); // both were used: the taken one, then the fresh one
      expect(sshd.port).toBe(fresh);
      expect(await banner(sshd.port)).toMatch(/^SSH-2\.0-/);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });
});
