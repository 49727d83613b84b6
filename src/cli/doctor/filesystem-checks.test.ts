import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfig } from '../../config/resolve.js';
import { checkFilesystems } from './filesystem-checks.js';

describe('doctor filesystem checks', () => {
  let root: string;
  let config: GatewayConfig;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'eport-doctor-fs-'));
    for (const d of ['ch/inbox', 'ch/outbox', 'ch/sent', 'ch/failed', 'data/spool'])
      await mkdir(join(root, d), { recursive: true });
    await writeFile(join(root, 'key.pem'), 'not a key');
    config = {
      dataDir: join(root, 'data'),
      spoolDir: join(root, 'data/spool'),
      signers: [{ name: 'k', type: 'soft-key', key: join(root, 'key.pem') }],
      channels: [
        {
          name: 'declaration',
          intake: [{ type: 'folder', path: join(root, 'ch/inbox') }],
          outbox: join(root, 'ch/outbox'),
          sent: join(root, 'ch/sent'),
          failed: join(root, 'ch/failed'),
        },
      ],
    } as unknown as GatewayConfig;
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('tries the inbox → sent/failed move for real, and leaves no probe file behind', async () => {
    await chmod(join(root, 'key.pem'), 0o600);
    const findings = await checkFilesystems(config);
    expect(findings.filter((f) => f.level !== 'ok')).toEqual([]);
    expect(findings.map((f) => f.what)).toEqual(
      expect.arrayContaining([
        'declaration inbox → sent',
        'declaration inbox → failed',
        'dataDir free space',
      ]),
    );
    for (const d of ['inbox', 'sent', 'failed', 'outbox'])
      expect(await readdir(join(root, 'ch', d))).toEqual([]);
  });

  it('warns about a world-writable inbox and a key file others can read, each with its fix', async () => {
    await chmod(join(root, 'ch/inbox'), 0o777);
    await chmod(join(root, 'key.pem'), 0o644);
    const problems = (await checkFilesystems(config)).filter((f) => f.level !== 'ok');
    expect(problems).toEqual([
      expect.objectContaining({
        what: 'folder permissions',
        fix: expect.stringContaining(`chmod o-w ${join(root, 'ch/inbox')}`),
      }),
      expect.objectContaining({
        what: 'signer k key file',
        fix: expect.stringContaining('chmod 600'),
      }),
    ]);
  });

  it('does not create folders it checks', async () => {
    await rm(join(root, 'ch/sent'), { recursive: true });
    await checkFilesystems(config);
    expect(await readdir(join(root, 'ch'))).not.toContain('sent');
  });
});
