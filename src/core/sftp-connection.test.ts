import { describe, expect, it } from 'vitest';
import { classifySftpError, hostKeyFingerprint, isNoSuchFile } from './sftp-connection.js';
import { globToRegExp, isWorkInProgressName, StabilityWindow } from './file-pickup.js';

describe('sftp-connection helpers', () => {
  it('formats host key fingerprints like ssh-keygen -l -E sha256 (no base64 padding)', () => {
    expect(hostKeyFingerprint(Buffer.from('abc'))).toBe(
      'SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0',
    );
  });

  it('classifies failures: login and host key permanent, network transient, paths permanent', () => {
    const cls = (err: unknown, hk?: string) => {
      const g = classifySftpError(err, 'x', hk);
      return [g.code, g.kind];
    };
    expect(cls(new Error('getConnection: All configured authentication methods failed'))).toEqual([
      'GW_ERR_SFTP_AUTH',
      'permanent',
    ]);
    expect(cls(new Error('Host denied (verification failed)'), 'SHA256:x')).toEqual([
      'GW_ERR_SFTP_HOST_KEY',
      'permanent',
    ]);
    expect(
      cls(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:22'), { code: 'ECONNREFUSED' })),
    ).toEqual(['GW_ERR_SFTP_CONNECT', 'transient']);
    expect(cls(new Error('Timed out while waiting for handshake'))).toEqual([
      'GW_ERR_SFTP_CONNECT',
      'transient',
    ]);
    expect(
      cls(Object.assign(new Error('Remote host has reset the connection'), { code: 'ECONNRESET' })),
    ).toEqual(['GW_ERR_SFTP_CONNECT', 'transient']);
    expect(cls(Object.assign(new Error('_put: Permission denied'), { code: 3 }))).toEqual([
      'GW_ERR_SFTP_PATH',
      'permanent',
    ]);
    expect(cls(Object.assign(new Error('_rename: Failure'), { code: 4 }))).toEqual([
      'GW_ERR_SFTP_IO',
      'transient',
    ]);
    const missing = classifySftpError(Object.assign(new Error('No such file'), { code: 2 }), 'x');
    expect(isNoSuchFile(missing)).toBe(true);
  });

  it('tells work-in-progress names and globs apart', () => {
    expect(['.a.xml.part', 'a.tmp', 'a.part', '~lock', '.hidden'].every(isWorkInProgressName)).toBe(
      true,
    );
    expect(isWorkInProgressName('报关单.xml')).toBe(false);
    expect(globToRegExp('*.xml').test('A.XML')).toBe(true);
    expect(globToRegExp('*.xml').test('a.xml.bak')).toBe(false);
  });

  it('calls a file complete only after size and mtime held still for stableMs', () => {
    const w = new StabilityWindow(100);
    expect(w.ready('a', 1, 1000, 0)).toBe(false);
    expect(w.ready('a', 2, 1000, 50)).toBe(false);
    expect(w.ready('a', 2, 1000, 120)).toBe(false);
    expect(w.ready('a', 2, 1000, 150)).toBe(true);
    w.retain(new Set());
    expect(w.ready('a', 2, 1000, 160)).toBe(false);
    expect(new StabilityWindow(0).ready('b', 1, 1, 0)).toBe(true);
  });
});
