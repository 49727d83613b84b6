import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfigFile } from './check.js';
import { parseConfigText } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'eport-swc-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (
  transport: string,
  channel = 'signer: client, transport: c',
): string => `transports: [${transport}]
channels:
  - { name: dec, dir: ./dec, ${channel} }
`;

describe('sw-client configuration', () => {
  it('resolves the module from the message type, defaults and signer client without any signer', () => {
    const { config, problems } = parseConfigText(
      yaml('{ name: c, type: sw-client, impPath: ./imppath }'),
      join(dir, 'a.yaml'),
      {},
    );
    expect(problems).toEqual([]);
    const t = config!.transports[0]!;
    expect(
      t.type === 'sw-client' && [t.impPath, t.subscriptions, t.pickupTimeoutMs, t.receiptsAfter],
    ).toEqual([join(dir, 'imppath'), ['DECSUB'], 300_000, 'move']);
    expect(config!.channels[0]!.module).toBe('DECCUS001');
  });

  it('a 金二 (jin2) channel goes to the SAS module unless it names one (NEMS for a 加贸账册)', () => {
    const jin2 = (extra: string) =>
      yaml(
        '{ name: c, type: sw-client, impPath: ./i }',
        `translator: jin2, translation: { mapping: m.yaml }, signer: client, transport: c${extra}`,
      );
    expect(parseConfigText(jin2(''), join(dir, 'j.yaml'), {}).config!.channels[0]!.module).toBe(
      'SAS',
    );
    expect(
      parseConfigText(jin2(', module: nems'), join(dir, 'k.yaml'), {}).config!.channels[0]!.module,
    ).toBe('NEMS');
  });

  it('refuses signer client on another route, a message type with no module, and the orphans name', () => {
    const other = parseConfigText(
      yaml('{ name: c, type: http, url: "http://127.0.0.1:1/x" }'),
      join(dir, 'b.yaml'),
      {},
    );
    expect(other.problems.map((p) => p.path)).toContain('channels[0].signer');
    const noModule = parseConfigText(
      yaml(
        '{ name: c, type: sw-client, impPath: ./i }',
        'messageType: Whatever, signer: client, transport: c',
      ),
      join(dir, 'c.yaml'),
      {},
    );
    expect(noModule.problems.map((p) => p.path)).toContain('channels[0].module');
    const orphans = parseConfigText(
      yaml('{ name: c, type: sw-client, impPath: ./i }').replace('name: dec', 'name: orphans'),
      join(dir, 'd.yaml'),
      {},
    );
    expect(orphans.problems.map((p) => p.path)).toContain('channels[0].name');
  });

  it('lays an imppath channel out like the client: <dir>/<module folder>/{OutBox,InBox,SentBox,FailBox}', () => {
    const { config } = parseConfigText(
      yaml(
        '{ name: c, type: sw-client, impPath: ./i }',
        'layout: imppath, signer: client, transport: c',
      ),
      join(dir, 'e.yaml'),
      {},
    );
    const ch = config!.channels[0]!;
    const mod = join(dir, 'dec', 'Deccus001');
    expect([
      ch.intake[0]!.type === 'folder' && ch.intake[0]!.path,
      ch.outbox,
      ch.sent,
      ch.failed,
    ]).toEqual([
      join(mod, 'OutBox'),
      join(mod, 'InBox'),
      join(mod, 'SentBox'),
      join(mod, 'FailBox'),
    ]);
  });

  it('`config check` reports an ImpPath that is not there (share not mounted) and a missing settings file', async () => {
    writeFileSync(
      join(dir, 'f.yaml'),
      yaml('{ name: c, type: sw-client, impPath: ./missing, settingsFile: ./DFWJobSettings.xml }'),
    );
    const { problems } = await checkConfigFile(join(dir, 'f.yaml'), {});
    expect(problems.map((p) => p.path)).toEqual([
      'transports[0].impPath',
      'transports[0].settingsFile',
    ]);
    mkdirSync(join(dir, 'missing'));
    writeFileSync(join(dir, 'DFWJobSettings.xml'), '<Settings/>');
    expect((await checkConfigFile(join(dir, 'f.yaml'), {})).problems).toEqual([]);
  });
});
