import { describe, expect, it } from 'vitest';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moveUnique } from './archive.js';

describe('moveUnique', () => {
  const fresh = () => {
    const root = mkdtempSync(join(tmpdir(), 'eport-archive-'));
    mkdirSync(join(root, 'sent'));
    writeFileSync(join(root, 'a.xml'), '<a/>');
    return root;
  };

  it('never overwrites: a taken name gets .1, .2 ...', async () => {
    const root = fresh();
    writeFileSync(join(root, 'sent', 'a.xml'), '<other/>');
    expect(await moveUnique(join(root, 'a.xml'), join(root, 'sent'))).toBe(
      join(root, 'sent', 'a.1.xml'),
    );
    expect(readdirSync(join(root, 'sent')).sort()).toEqual(['a.1.xml', 'a.xml']);
    expect(existsSync(join(root, 'a.xml'))).toBe(false);
  });

  it('after a crash between link and unlink, finishes the move instead of archiving a second copy', async () => {
    const root = fresh();
    linkSync(join(root, 'a.xml'), join(root, 'sent', 'a.xml')); // the link was made, then the process died
    expect(await moveUnique(join(root, 'a.xml'), join(root, 'sent'))).toBe(
      join(root, 'sent', 'a.xml'),
    );
    expect(readdirSync(join(root, 'sent'))).toEqual(['a.xml']);
    expect(existsSync(join(root, 'a.xml'))).toBe(false);
  });
});
