import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toMs } from '../../src/config/duration.js';
import { configSchema } from '../../src/config/schema.js';
import { ROOT } from '../helpers/process.js';

const unitText = readFileSync(join(ROOT, 'packaging', 'eport.service'), 'utf8');

/** Key → values of one section (a key may repeat). */
function section(name: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const raw of unitText.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('[')) current = line.slice(1, -1);
    else if (current === name) {
      const [k, ...v] = line.split('=');
      out.set(k!, [...(out.get(k!) ?? []), v.join('=')]);
    }
  }
  return out;
}
const service = section('Service');
const one = (k: string): string | undefined => service.get(k)?.at(-1);

describe('packaging/eport.service', () => {
  it('runs as its own user, stops with SIGTERM and waits longer than the drain', () => {
    expect(one('User')).toBe('eport');
    expect(one('Type')).toBe('simple');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('KillMode')).toBe('mixed');
    const drainMs = toMs(configSchema.shape.shutdownMs.parse(undefined)); // the default shutdownMs
    expect(toMs(one('TimeoutStopSec')!.replace(/s$/, '') + 's')).toBeGreaterThan(drainMs + 10_000);
    expect(one('Restart')).toBe('on-failure');
    expect(one('ExecStart')).toMatch(/ start --config \/etc\/eport\/eport\.yaml$/);
  });

  it('is hardened, with only the data and channel folders writable', () => {
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ReadWritePaths')!.split(/\s+/)).toEqual(['/var/lib/eport', '/srv/eport']);
    for (const [k, v] of Object.entries({
      NoNewPrivileges: 'yes',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      CapabilityBoundingSet: '',
    }))
      expect(one(k), k).toBe(v);
    // V8 needs writable code pages: this option would kill node
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
    expect(one('RestrictAddressFamilies')).toContain('AF_UNIX'); // pcscd and managed Redis sockets
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  it.skipIf(analyze.status !== 0)(
    `passes systemd-analyze verify${analyze.status === 0 ? '' : ' — skipped: systemd-analyze is not installed (apt-get install systemd)'}`,
    () => {
      // verify insists the ExecStart binary exists; point it at node for the check.
      const dir = mkdtempSync(join(tmpdir(), 'eport-unit-'));
      try {
        const unit = join(dir, 'eport.service');
        writeFileSync(unit, unitText.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
        const r = spawnSync('systemd-analyze', ['verify', unit], {
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(r.stdout + r.stderr).toBe('');
        expect(r.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
