import { join } from 'node:path';

/** A channel of the demo: its folder, how it translates, and which bundled samples seed it. */
export interface DemoChannel {
  readonly name: string;
  readonly title: string;
  /** Channel YAML lines after `name:` (translator, translation, intake pattern). */
  readonly yaml: (samples: string) => string;
  /** Sample files (relative to samples/) dropped with --seed. */
  readonly seed: (samples: string, list: (dir: string) => Promise<string[]>) => Promise<string[]>;
  /** Rewrites a seeded sample before it is dropped (e.g. a fresh business key). */
  readonly reseed?: (bytes: Buffer) => Buffer;
  /** Signer and transport lines when not the demo key and the HTTP sandbox. */
  readonly route?: string;
}

/** Business keys are unique across channels: a sample seeded into a second channel gets its own ClientSeqNo. */
function withClientSeqNo(bytes: Buffer, clientSeqNo: string): Buffer {
  return Buffer.from(
    bytes
      .toString('utf8')
      .replace(/<((?:\w+:)?ClientSeqNo)>[^<]*<\/\1>/, `<$1>${clientSeqNo}</$1>`),
    'utf8',
  );
}

export const DEMO_CHANNELS: readonly DemoChannel[] = [
  {
    name: 'declaration',
    title: '报关单 DecMessage XML',
    yaml: () =>
      `    translator: dec-xml\n    intake: [{ type: folder, pattern: "*.xml", stableMs: 500ms, pollMs: 250ms }]`,
    seed: async (_s, list) =>
      (await list('declaration')).filter((f) => f.endsWith('.xml')).map((f) => `declaration/${f}`),
  },
  {
    name: 'erp',
    title: '报关单 from ERP CSV / Excel (映射 mapping-zh.yaml)',
    yaml: (s) =>
      `    translator: enterprise\n    translation: { mapping: ${JSON.stringify(join(s, 'enterprise', 'mapping-zh.yaml'))} }\n    intake: [{ type: folder, pattern: "*", stableMs: 500ms, pollMs: 250ms }]`,
    // The other ERP samples mirror the declaration samples, ClientSeqNo included: in one gateway
    // they would be refused as reused keys. The 60-item file shows the split into two declarations.
    seed: async () => ['enterprise/ent-08-export-tools-split.csv'],
  },
  {
    name: 'transit',
    title: '转关提前报关单 (DecMessage + TrnHead/TrnList/TrnContainers) from a sections CSV',
    yaml: (s) =>
      `    translator: enterprise\n    translation: { mapping: ${JSON.stringify(join(s, 'transit', 'mapping-transit.yaml'))} }\n    intake: [{ type: folder, pattern: "*.csv", stableMs: 500ms, pollMs: 250ms }]`,
    // Answered with a TrnPreId in the import response and a TRN_RESULT (…trn-result.NN.xml).
    seed: async () => ['transit/trn-01-import-transit-sections.csv'],
  },
  {
    name: 'cross-border',
    title: '跨境电商 CEB311 orders from JSON',
    yaml: (s) =>
      `    translator: ceb\n    translation: { mapping: ${JSON.stringify(join(s, 'ceb', 'ceb311-order.yaml'))} }\n    intake: [{ type: folder, pattern: "*.json", stableMs: 500ms, pollMs: 250ms }]`,
    seed: async () => ['ceb/ceb311-order.json'],
  },
  ...(
    [
      ['inv101', '核注清单', 'inv101-bonded-import.csv'],
      ['sas101', '业务申报表', 'sas101-application.csv'],
      ['sas111', '出入库单', 'sas111-stock-in.json'],
      ['sas121', '核放单', 'sas121-passport.xlsx'],
    ] as const
  ).map(([type, zh, file]): DemoChannel => ({
    name: `jin2-${type}`,
    title: `金二 ${zh} ${type.toUpperCase()} (加贸/保税, samples/jin2)`,
    yaml: (s) =>
      `    translator: jin2\n    translation: { mapping: ${JSON.stringify(join(s, 'jin2', file.replace(/\.\w+$/, '.yaml')))} }\n    intake: [{ type: folder, pattern: "*", stableMs: 500ms, pollMs: 250ms }]`,
    seed: async () => [`jin2/${file}`],
  })),
  // MT5101 is left out: its sample tallies the MT1101 sample's bills, and MT9999 answers per bill.
  ...(
    [
      ['mt1101', '原始舱单 MT1101', 'mt1101-sea'],
      ['mt4101', '装载舱单 MT4101', 'mt4101-sea'],
      ['mt5201', '空运理货报告 MT5201 (delete)', 'mt5201-air-tally'],
    ] as const
  ).map(([type, zh, file]): DemoChannel => ({
    name: `manifest-${type}`,
    title: `舱单 ${zh} from a record-type CSV (samples/manifest), answered by MT9999 per bill`,
    yaml: (s) =>
      `    translator: manifest\n    translation: { mapping: ${JSON.stringify(join(s, 'manifest', `${file}.yaml`))} }\n    intake: [{ type: folder, pattern: "*.csv", stableMs: 500ms, pollMs: 250ms }]`,
    seed: async () => [`manifest/${file}.csv`],
  })),
  {
    name: 'amend',
    title:
      '修撤单 DecModMessage: nothing seeded; try `eport amend` / `eport withdraw` (README, 修撤单)',
    yaml: () =>
      `    translator: amend\n    messageType: DecModMessage\n    intake: [{ type: folder, pattern: "*", stableMs: 500ms, pollMs: 250ms }]`,
    seed: async () => [],
  },
  {
    name: 'sw-client',
    title: '报关单 through the Single Window client folders (ImpPath, simulated)',
    yaml: () =>
      `    translator: dec-xml\n    module: DECCUS001\n    intake: [{ type: folder, pattern: "*.xml", stableMs: 500ms, pollMs: 250ms }]`,
    seed: async () => ['declaration/dec-01-import-components-utf8.xml'],
    reseed: (bytes) => withClientSeqNo(bytes, 'SWCDEMO00000000001'),
    // As most enterprises do today: the client signs with the operator card plugged into its host.
    route: '    signer: client\n    transport: sw-client',
  },
  {
    name: 'paperless',
    title: '通关无纸化: 报关单 with its attachment folder, as one zip to the client',
    yaml: () =>
      `    translator: dec-xml\n    module: DECCUS001\n    intake: [{ type: folder, pattern: "*.xml", stableMs: 500ms, pollMs: 250ms, attachments: true }]`,
    seed: async () => [
      'paperless/dec-11-import-paperless.edoc',
      'paperless/dec-11-import-paperless.xml',
    ],
    route: '    signer: client\n    transport: sw-client',
  },
  {
    name: 'agency',
    title: "代理报关委托 ImportAgrRequest from JSON, to the client's Acd folder",
    yaml: () =>
      `    translator: acd\n    messageType: ImportAgrRequest\n    module: ACD\n    intake: [{ type: folder, pattern: "*.json", stableMs: 500ms, pollMs: 250ms }]`,
    seed: async () => ['acd/agr-01-add.json'],
    route: '    signer: client\n    transport: sw-client',
  },
];

/** The demo's configuration, written to DIR/eport.yaml so the user can read and reuse it. */
export function demoConfigYaml(opts: {
  sandboxUrl: string;
  samples: string;
  redisUrl?: string | undefined;
  prefix?: string | undefined;
}): string {
  const channels = DEMO_CHANNELS.map(
    (c) =>
      `  - name: ${c.name}            # ${c.title}\n    dir: ./${c.name}\n${c.yaml(opts.samples)}\n${c.route ?? '    signer: demo-key\n    signature: { algorithm: rsa-sha1 }\n    transport: sandbox'}`,
  ).join('\n');
  return `# Demo configuration written by \`eport demo\`. Paths are relative to this file.
# 演示配置：由 eport demo 生成。
dataDir: ./data
redis:
${opts.redisUrl ? `  url: ${JSON.stringify(opts.redisUrl)}` : '  # no url: the gateway runs its own redis-server (unix socket in data/redis)'}
  prefix: ${opts.prefix ?? 'eport-demo'}
log:
  level: info
http:
  enabled: false
retry:
  schedule: "1s, 2s, 5s*3, 30s*5"
  jitter: 0.2
  maxAge: 1h
signers:
  - name: demo-key
    type: soft-key
    key: ./keys/demo-signer.pem
transports:
  - name: sandbox
    type: http
    url: ${opts.sandboxUrl}/dec/submit
    timeoutMs: 10s
  - name: sw-client             # the Single Window client's ImpPath folders (simulated by the sandbox)
    type: sw-client
    impPath: ./imppath
    pickupTimeout: 1m
    pollMs: 250ms
    stableMs: 300ms
receiptSources:
  - name: sandbox-feed
    type: http-pull
    url: ${opts.sandboxUrl}/receipts
    intervalMs: 300ms
channels:
${channels}
`;
}
