import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigText } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'eport-jin2-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parse = (transport: string, channel: string) =>
  parseConfigText(
    `signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: [${transport}]
channels:
  - { name: j, dir: ./j, ${channel} }
`,
    join(dir, `c${Math.random().toString(36).slice(2)}.yaml`),
    {},
  );
const HTTP = '{ name: t, type: http, url: "http://127.0.0.1:1/x" }';
const SWC = '{ name: t, type: sw-client, impPath: ./i }';
const JIN2 = 'translator: jin2, translation: { mapping: m.yaml }, transport: t';

describe('金二 channel form (jin2.envelope)', () => {
  it('defaults by route: the client import file on sw-client, the enveloping signature elsewhere', () => {
    const swc = parse(SWC, `${JIN2}, signer: client`);
    expect(swc.problems).toEqual([]);
    expect(swc.config!.channels[0]!.jin2).toEqual({
      envelope: 'client-import',
      objectId: 'Package',
      keyInfo: 'key-name',
    });
    const http = parse(HTTP, `${JIN2}, signer: k`);
    expect(http.problems).toEqual([]);
    expect(http.config!.channels[0]!.jin2?.envelope).toBe('signature');
  });

  it('takes what the channel says', () => {
    const r = parse(
      HTTP,
      `${JIN2}, signer: k, jin2: { envelope: client-import, objectId: obj1, keyInfo: certificate }`,
    );
    expect(r.problems).toEqual([]);
    expect(r.config!.channels[0]!.jin2).toEqual({
      envelope: 'client-import',
      objectId: 'obj1',
      keyInfo: 'certificate',
    });
  });

  it('refuses the signature form with signer client, jin2 on another translator, and a bad Object Id', () => {
    const client = parse(SWC, `${JIN2}, signer: client, jin2: { envelope: signature }`);
    expect(client.problems.map((p) => p.path)).toContain('channels[0].jin2.envelope');
    const other = parse(HTTP, 'signer: k, transport: t, jin2: { envelope: signature }');
    expect(other.problems.map((p) => p.path)).toContain('channels[0].jin2');
    const id = parse(HTTP, `${JIN2}, signer: k, jin2: { objectId: "1 x" }`);
    expect(id.problems.map((p) => p.path).join()).toContain('jin2.objectId');
  });
});
