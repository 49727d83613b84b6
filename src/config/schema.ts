import { z } from 'zod';
import { DEFAULT_INPUT_LIMITS } from '../core/input-limits.js';
import { TRANSLATOR_KINDS, translationSchema } from '../translators/translation-options.js';

/**
 * The one source of truth for configuration. Every field documents itself with `.describe()`;
 * `eport config schema` prints the JSON Schema made from this file. Defaults live here only.
 */

const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/)])
  .describe('a duration: milliseconds as a number, or "500ms", "30s", "2m", "1h", "1d"');

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and "-", starting with a letter, at most 40 characters (小写字母、数字和 -，以字母开头)');

const secret = z
  .object({
    env: z.string().optional().describe('name of an environment variable holding the secret'),
    file: z.string().optional().describe('path of a file holding the secret (trailing newline ignored)'),
  })
  .strict()
  .refine((s) => Boolean(s.env) !== Boolean(s.file), 'give exactly one of env or file / env 与 file 只能给出其一')
  .describe('a secret read from the environment or a file, never written in the config itself');

/** Client-side TLS of the HTTP adapters: mutual TLS as the customs data-centre endpoints use it. */
export const clientTlsSchema = z
  .object({
    cert: z.string().optional().describe('PEM file with the client certificate (and its chain) for mutual TLS'),
    key: secret.optional().describe('the PEM private key of the client certificate, from a file or env'),
    passphrase: secret.optional().describe('passphrase of an encrypted private key'),
    ca: z.union([z.string(), z.array(z.string()).min(1)]).optional().describe('PEM file(s) of the CA the server certificate must chain to; default the system CAs'),
    pinSha256: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe("SHA-256 of the server certificate's public key (SubjectPublicKeyInfo), base64 or hex; one of them must match"),
  })
  .strict()
  .refine((t) => Boolean(t.cert) === Boolean(t.key), 'give both cert and key, or neither')
  .describe('TLS for https:// URLs: client certificate, private CA, public-key pin');

/** Circuit breaker of one transport: stops sending to an endpoint that keeps failing. */
export const breakerSchema = z
  .object({
    failures: z.number().int().min(1).default(5).describe('consecutive transient failures that open the breaker'),
    openFor: duration.default('30s').describe('how long it stays open before one probe message is let through'),
  })
  .strict()
  .describe('circuit breaker per transport; while open, messages wait without spending retry attempts');

export const folderIntakeSchema = z
  .object({
    type: z.literal('folder'),
    path: z.string().optional().describe('inbox folder; default <channel dir>/inbox'),
    pattern: z.string().default('*.xml').describe('glob of file names to pick up, e.g. "*.xml"'),
    stableMs: duration.default(1000).describe('a file is complete when its size and mtime have not changed for this long'),
    pollMs: duration.default(500).describe('how often the folder is scanned'),
    doneMarker: z
      .boolean()
      .default(false)
      .describe('when true, pick up FILE only once FILE.done or FILE.ok exists (the marker is removed afterwards)'),
    maxBytes: z.number().int().positive().optional().describe("larger files go to failed; default the channel's maxBytes"),
    attachments: z
      .boolean()
      .default(false)
      .describe('通关无纸化: take each declaration together with its attachments, the folder <stem>.edoc/ or the manifest <stem>.edoc.json beside it'),
  })
  .strict();

/** Connection settings shared by every SFTP adapter. */
const sftpEndpoint = {
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1),
  privateKey: secret.describe('the SSH private key (OpenSSH or PEM) from a file or env'),
  passphrase: secret.optional(),
  knownHostKey: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'SHA256:… as `ssh-keygen -l -E sha256 -f HOSTKEY.pub` prints it')
    .optional()
    .describe('pin the server host key; strongly recommended'),
  timeoutMs: duration.default('15s'),
};

export const sftpIntakeSchema = z
  .object({
    type: z.literal('sftp'),
    ...sftpEndpoint,
    remoteDir: z.string().describe('remote inbox'),
    sentDir: z.string().describe('remote folder for handled files'),
    failedDir: z.string().describe('remote folder for refused files'),
    pattern: z.string().default('*.xml'),
    stableMs: duration.default('2s'),
    pollMs: duration.default('5s'),
    maxBytes: z.number().int().positive().optional().describe("larger files go to failed; default the channel's maxBytes"),
  })
  .strict();

export const intakeSchema = z.discriminatedUnion('type', [folderIntakeSchema, sftpIntakeSchema]);

export const sftpTransportSchema = z
  .object({ name, type: z.literal('sftp'), ...sftpEndpoint, remoteDir: z.string().describe('where signed messages are uploaded'), breaker: breakerSchema.optional() })
  .strict();

export const sftpReceiptSourceSchema = z
  .object({
    name,
    type: z.literal('sftp'),
    ...sftpEndpoint,
    remoteDir: z.string().describe('remote folder receipts appear in'),
    doneDir: z.string().optional().describe('move picked-up receipts here; default: delete them'),
    pattern: z.string().default('*'),
    intervalMs: duration.default('5s'),
    maxBytes: z.number().int().positive().default(16 * 1024 * 1024).describe('larger receipt files are left on the server with a warning'),
    pollTimeoutMs: duration.default('2m').describe('one poll (listing and downloads together) gives up after this long'),
  })
  .strict();

export const softKeySignerSchema = z
  .object({
    name,
    type: z.literal('soft-key'),
    key: z.string().describe('PEM file with private key and certificate, or a PKCS#12 (.p12/.pfx) file'),
    passphrase: secret.optional(),
    certNo: z.string().optional().describe('certificate number for ds:KeyName; default the serial number in hex'),
  })
  .strict();

export const pcscCardSignerSchema = z
  .object({
    name,
    type: z.literal('pcsc-card'),
    reader: z.string().min(1).describe('part of the reader name (case-insensitive), as pcsc_scan shows it'),
    profile: z.enum(['openpgp', 'piv']).describe('the card application that holds the signing key'),
    pin: secret.describe('the signing PIN; from env or a file, never in the config'),
    certificate: z.string().optional().describe('PEM certificate; default: read from the card'),
    certNo: z.string().optional().describe('certificate number for ds:KeyName; default the serial number in hex'),
  })
  .strict();

export const eportServiceSignerSchema = z
  .object({
    name,
    type: z.literal('eport-service'),
    url: z.string().default('ws://127.0.0.1:61232').describe('the E-Port client control (中国电子口岸客户端控件) websocket'),
    pin: secret.describe('the operator card PIN; from env or a file, never in the config'),
    algorithm: z.enum(['rsa-sha1', 'sm2-sm3']).optional().describe('what the card signs; default: from its certificate'),
    timeoutMs: duration.default('10s'),
  })
  .strict();

export const signerSchema = z.discriminatedUnion('type', [softKeySignerSchema, pcscCardSignerSchema, eportServiceSignerSchema]);

export const httpTransportSchema = z
  .object({
    name,
    type: z.literal('http'),
    url: z.string().url().describe('where signed messages are POSTed'),
    timeoutMs: duration.default('30s').describe('whole request timeout'),
    connectTimeoutMs: duration.default('10s'),
    headers: z.record(z.string(), z.string()).default({}).describe('extra request headers'),
    tls: clientTlsSchema.optional(),
    breaker: breakerSchema.optional(),
  })
  .strict();

export const swClientTransportSchema = z
  .object({
    name,
    type: z.literal('sw-client'),
    impPath: z.string().min(1).describe("the Single Window client's ImpPath folder as this host sees it (local, or an SMB/NFS mount of the Windows host)"),
    settingsFile: z
      .string()
      .optional()
      .describe("the client's DFWJobSettings.xml; when given, module folders come from it (Windows paths are taken relative to impPath)"),
    folders: z
      .record(z.string(), z.string())
      .default({})
      .describe('module (FormId) -> folder under impPath, for a client set up differently from its defaults (e.g. DECCUS001: DecCus001)'),
    subscriptions: z
      .array(z.string())
      .default(['DECSUB'])
      .describe('modules whose InBox is read for receipts only (DECSUB: 报关单订阅 receipts of declarations made elsewhere)'),
    pickupTimeout: duration.default('5m').describe('alert when the client has not taken a file from OutBox after this long'),
    pollMs: duration.default('1s').describe('how often the client folders are scanned'),
    stableMs: duration.default('1s').describe('an InBox file is complete once size and mtime held still this long'),
    receiptsAfter: z
      .enum(['delete', 'move'])
      .default('move')
      .describe('what happens to an InBox file once stored: delete, or move to the module\'s HDNBox (回执文件备份) or backupDir/<module>/'),
    backupDir: z.string().optional().describe('where receiptsAfter: move puts InBox files; default the module folder\'s HDNBox (same share, so a rename)'),
    maxAttachmentBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024)
      .describe('通关无纸化: largest attachment (PDF) the client takes, checked before the zip is handed over; 4 MB is the commonly quoted 单一窗口 limit, not verified'),
    breaker: breakerSchema.optional(),
  })
  .strict();

export const httpPullReceiptSourceSchema = z
  .object({
    name,
    type: z.literal('http-pull'),
    url: z.string().url().describe('receipt feed: GET url?after=CURSOR returns {receipts:[{seq,fileName,content}], next}'),
    intervalMs: duration.default('1s').describe('poll interval when the feed is empty'),
    maxBytes: z.number().int().positive().default(16 * 1024 * 1024).describe('a larger answer is refused unread'),
    timeoutMs: duration.default('30s').describe('one poll gives up after this long, from connect to the last byte'),
    tls: clientTlsSchema.optional(),
  })
  .strict();

/** Connection settings shared by the AMQP (RabbitMQ) adapters. */
const amqpEndpoint = {
  url: secret.describe('amqp://user:password@host:5672/vhost (or amqps://); from env or a file, since it holds the password'),
  connectTimeoutMs: duration.default('10s'),
};

export const amqpTransportSchema = z
  .object({
    name,
    type: z.literal('amqp'),
    ...amqpEndpoint,
    exchange: z.string().describe('exchange signed messages are published to; "" = the default exchange (routingKey = queue name)'),
    routingKey: z.string().describe('routing key of every published message'),
    mandatory: z.boolean().default(true).describe('a message no queue takes is a permanent error instead of being dropped by the broker'),
    confirmTimeoutMs: duration.default('30s').describe("how long to wait for the broker's publisher confirm"),
    breaker: breakerSchema.optional(),
  })
  .strict();

export const amqpReceiptSourceSchema = z
  .object({
    name,
    type: z.literal('amqp'),
    ...amqpEndpoint,
    queue: z.string().min(1).describe('queue receipts arrive in (must exist); each is acknowledged once stored'),
    prefetch: z.number().int().min(1).max(1000).default(20).describe('receipts in hand (unacknowledged) at most'),
  })
  .strict();

export const signatureSchema = z
  .object({
    algorithm: z.enum(['rsa-sha1', 'rsa-sha256', 'sm2-sm3']).default('rsa-sha1'),
    uris: z
      .enum(['chinaport-2022', 'w3-sm2'])
      .default('chinaport-2022')
      .describe('SM2 URI preset: chinaport-2022 (the 202205 spec) or w3-sm2 (w3 namespace, SHA-1 digest); RSA uses the W3C URIs'),
    signatureMethodUri: z.string().optional().describe('override of the SignatureMethod Algorithm URI, for a site that wants another'),
    digestMethodUri: z.string().optional().describe('override of the DigestMethod Algorithm URI'),
    digestHash: z.enum(['sha1', 'sha256', 'sm3']).optional().describe('the hash behind digestMethodUri when the URI is not a known one'),
    sm2Encoding: z.enum(['raw', 'der']).optional().describe('SM2 SignatureValue as 64-byte r||s (raw, what cards return) or DER'),
  })
  .strict();

export const envelopeSchema = z
  .object({
    type: z.enum(['none', 'dxp']).default('none'),
    senderId: z.string().max(16).optional().describe('DXP sender id, e.g. DXPENT0000000001'),
    receiverIds: z.array(z.string().max(16)).max(5).default([]),
    icCard: z.string().max(13).optional(),
  })
  .strict()
  .refine((e) => e.type === 'none' || (e.senderId && e.receiverIds.length > 0), 'a dxp envelope needs senderId and receiverIds / DXP 信封需要 senderId 和 receiverIds');

export const channelSchema = z
  .object({
    name,
    messageType: z
      .string()
      .default('DecMessage')
      .describe('the standard message this channel produces (DecMessage, CEB311Message, MT2101...); the translator has the last word'),
    translator: z
      .enum(TRANSLATOR_KINDS)
      .default('dec-xml')
      .describe('dec-xml: standard DecMessage XML, checked and passed through; enterprise: CSV/Excel/JSON/XML through a mapping; acd: 代理报关委托 JSON -> ImportAgrRequest'),
    translation: translationSchema.optional().describe('mapping, input format, encoding, code tables, validation'),
    dir: z.string().optional().describe('base folder; inbox, outbox, sent and failed default to sub-folders of it'),
    intake: z.array(intakeSchema).default(() => [folderIntakeSchema.parse({ type: 'folder' })]),
    maxBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('largest document the channel takes (folder, SFTP, HTTP); default by translator: dec-xml and ceb-xml 4 MB, enterprise, ceb and jin2 10 MB, manifest and manifest-xml 20 MB'),
    outbox: z.string().optional().describe('where receipts are written; default <dir>/outbox'),
    sent: z.string().optional().describe('where accepted source files go; default <dir>/sent'),
    failed: z.string().optional().describe('where rejected source files go; default <dir>/failed'),
    signer: name.describe('name of a signer, or "client" to leave signing to the Single Window client\'s card (sent unsigned)'),
    signature: signatureSchema.default({ algorithm: 'rsa-sha1', uris: 'chinaport-2022' }),
    envelope: envelopeSchema.default({ type: 'none', receiverIds: [] }),
    transport: name.describe('name of a transport'),
    module: z
      .string()
      .regex(/^[A-Za-z0-9_]{2,20}$/)
      .optional()
      .describe('Single Window client module (FormId) this channel uses: DECCUS001 报关单, MFT 舱单, SAS, IMPCEB/EXPCEB...; default from messageType'),
    layout: z
      .enum(['folders', 'imppath'])
      .default('folders')
      .describe("folders: dir/{inbox,outbox,sent,failed}; imppath: dir/<module folder>/{OutBox,InBox,SentBox,FailBox} like the Single Window client"),
    receiptSlaMs: duration.default('4h').describe('alert when a sent message has no receipt after this long'),
    gatewayReceipts: z
      .enum(['xml', 'json'])
      .default('xml')
      .describe("format of the gateway's own receipts (error, dead, duplicate): XML like customs receipts, or JSON"),
    receiptForm: z
      .enum(['xml', 'json', 'csv', 'mapping'])
      .default('xml')
      .describe('form of the receipts in the outbox: xml as customs sent them, json, csv with Chinese status text, or mapping (receiptMapping)'),
    receiptMapping: z.string().optional().describe('receipt mapping YAML: the enterprise\'s own receipt layout and encoding (GBK...); needed by receiptForm mapping'),
  })
  .strict()
  .refine((c) => c.receiptForm !== 'mapping' || c.receiptMapping, { message: 'receiptForm mapping needs receiptMapping: ./receipt-mapping.yaml', path: ['receiptMapping'] })
  .refine((c) => c.dir || (c.outbox && c.sent && c.failed && c.intake.every((i) => i.type !== 'folder' || i.path)), {
    message: 'give dir, or every one of intake[].path, outbox, sent and failed / 请给出 dir，或者全部给出 intake[].path、outbox、sent 和 failed',
  });

export const retrySchema = z
  .object({
    schedule: z
      .string()
      .regex(/^\s*\d+(\.\d+)?(ms|s|m|h|d)(\*\d+)?(\s*,\s*\d+(\.\d+)?(ms|s|m|h|d)(\*\d+)?)*\s*$/, 'like "30s, 2m, 10m*3, 1h*6"')
      .default('30s, 2m, 10m*3, 1h*6')
      .describe('delays between delivery attempts; "10m*3" means three waits of ten minutes'),
    jitter: z.number().min(0).max(1).default(0.2).describe('each delay is varied by up to this fraction'),
    maxAge: duration.default('2d').describe('a message older than this is not retried again'),
  })
  .strict();

const LIMIT_DEFAULTS = { memoryBudgetMb: 512, ...DEFAULT_INPUT_LIMITS };

export const limitsSchema = z
  .object({
    memoryBudgetMb: z
      .number()
      .int()
      .min(64)
      .default(512)
      .describe('memory the gateway plans for; the translate stage takes documents only while its estimate of their parse cost fits in half of it'),
    maxFieldBytes: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxFieldBytes).describe('longest field (XML text or attribute, JSON string, CSV field, Excel cell) in bytes'),
    maxElements: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxElements).describe('most XML elements, JSON values or CSV fields in one input'),
    maxRows: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxRows).describe('most CSV lines or Excel rows in one input'),
    maxCells: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxCells).describe('most Excel cells in one workbook'),
    maxUnzippedBytes: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxUnzippedBytes).describe('most bytes an .xlsx may unpack to'),
    maxZipEntries: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxZipEntries).describe('most entries in an .xlsx'),
    maxDepth: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxDepth).describe('deepest nesting of XML elements or JSON objects and arrays'),
  })
  .strict()
  .describe('bounds checked on every input before it is parsed, and the memory budget');

export const configSchema = z
  .object({
    dataDir: z.string().default('./data').describe('spool, managed Redis and other state; relative to the config file'),
    redis: z
      .object({
        url: z
          .string()
          .optional()
          .describe('redis://host:port/db or unix:///path; unset = the gateway runs its own redis-server'),
        prefix: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('eport').describe('key prefix for all queues and records'),
        serverBinary: z.string().default('redis-server').describe('binary used for the managed Redis'),
      })
      .strict()
      .default({ prefix: 'eport', serverBinary: 'redis-server' }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
        pretty: z.boolean().optional().describe('human-readable logs; default when stdout is a terminal'),
      })
      .strict()
      .default({ level: 'info' }),
    http: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8470),
        requestTimeoutMs: duration.default('30s').describe('a request must arrive whole (headers and body) within this time, or its connection is closed'),
        tokens: z
          .array(
            z
              .object({
                name: z.string(),
                sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('hex SHA-256 of the bearer token'),
                scopes: z
                  .array(z.enum(['upload', 'receipts', 'operate', 'read-only', 'admin']))
                  .min(1)
                  .optional()
                  .describe('what the token may do; unset = every scope (a warning at start asks to set them)'),
              })
              .strict(),
          )
          .default([])
          .describe('API clients; without any token only /health answers'),
        rateLimit: z
          .object({
            max: z.number().int().positive().default(600).describe('requests per token per window'),
            window: duration.default('1m'),
          })
          .strict()
          .default({ max: 600, window: '1m' })
          .describe('per-token rate limit, shared by every gateway node through Redis'),
        maxEventLoopDelayMs: duration.default(1000).describe('answer 503 (load shedding) while the event loop lags more than this; 0 turns load shedding off'),
        maxWaitSeconds: z.number().int().min(0).max(120).default(60).describe('longest long-poll wait a client may ask for'),
        tls: z
          .object({
            cert: z.string().describe('PEM server certificate (chain)'),
            key: secret.describe('PEM server private key'),
            clientCa: z.string().optional().describe('PEM CA bundle: when set, clients must present a certificate it signed (mTLS)'),
          })
          .strict()
          .optional()
          .describe('serve HTTPS; with clientCa, mutual TLS'),
      })
      .strict()
      .default({ enabled: true, host: '127.0.0.1', port: 8470, requestTimeoutMs: 30_000, tokens: [], rateLimit: { max: 600, window: '1m' }, maxEventLoopDelayMs: 1000, maxWaitSeconds: 60 }),
    shutdownMs: duration.default('20s').describe('how long workers may drain at shutdown'),
    records: z
      .object({
        archive: z.boolean().default(true).describe('keep originals, signed messages and receipts in compressed daily archives under <dataDir>/archive'),
        archiveRetention: duration.default('3650d').describe('archives of days older than this are deleted; the audit log (<dataDir>/audit) is never deleted'),
      })
      .strict()
      .default({ archive: true, archiveRetention: '3650d' })
      .describe('records kept for years: the hash-chained audit log and the document archive'),
    concurrency: z
      .object({
        translate: z.number().int().min(1).default(4),
        sign: z.number().int().min(1).default(1),
        deliver: z.number().int().min(1).default(8),
        receipt: z.number().int().min(1).default(4),
        writeback: z.number().int().min(1).default(4),
      })
      .strict()
      .default({ translate: 4, sign: 1, deliver: 8, receipt: 4, writeback: 4 }),
    retry: retrySchema.default({ schedule: '30s, 2m, 10m*3, 1h*6', jitter: 0.2, maxAge: '2d' }),
    limits: limitsSchema.default(LIMIT_DEFAULTS),
    signers: z.array(signerSchema).default([]),
    transports: z.array(z.discriminatedUnion('type', [httpTransportSchema, sftpTransportSchema, swClientTransportSchema, amqpTransportSchema])).min(1),
    receiptSources: z.array(z.discriminatedUnion('type', [httpPullReceiptSourceSchema, sftpReceiptSourceSchema, amqpReceiptSourceSchema])).default([]),
    channels: z.array(channelSchema).min(1),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ChannelConfig = z.output<typeof channelSchema>;
export type FolderIntakeConfig = z.output<typeof folderIntakeSchema>;
export type SftpIntakeConfig = z.output<typeof sftpIntakeSchema>;
export type SftpTransportConfig = z.output<typeof sftpTransportSchema>;
export type SftpReceiptSourceConfig = z.output<typeof sftpReceiptSourceSchema>;
export type SoftKeySignerConfig = z.output<typeof softKeySignerSchema>;
export type SignerConfig = z.output<typeof signerSchema>;
export type SwClientTransportConfig = z.output<typeof swClientTransportSchema>;
export type HttpTransportConfig = z.output<typeof httpTransportSchema>;
export type HttpPullReceiptSourceConfig = z.output<typeof httpPullReceiptSourceSchema>;
export type RetryConfig = z.output<typeof retrySchema>;
export type AmqpTransportConfig = z.output<typeof amqpTransportSchema>;
export type AmqpReceiptSourceConfig = z.output<typeof amqpReceiptSourceSchema>;
export type ClientTlsConfig = z.output<typeof clientTlsSchema>;
export type BreakerConfig = z.output<typeof breakerSchema>;
