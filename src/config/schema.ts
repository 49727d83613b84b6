import { z } from 'zod';
import { redisSchema } from './redis-schema.js';
import { TRANSLATOR_KINDS, translationSchema } from '../translators/translation-options.js';
import {
  amqpReceiptSourceSchema,
  amqpTransportSchema,
  folderIntakeSchema,
  httpPullReceiptSourceSchema,
  httpTransportSchema,
  intakeSchema,
  sftpIntakeSchema,
  sftpReceiptSourceSchema,
  sftpTransportSchema,
  signerSchema,
  softKeySignerSchema,
  swClientTransportSchema,
} from './adapter-schemas.js';
import { jin2ChannelSchema } from './jin2-schema.js';
import { LIMIT_DEFAULTS, limitsSchema } from './limits-schema.js';
import { breakerSchema, clientTlsSchema, duration, name, secret } from './schema-parts.js';

/**
 * The one source of truth for configuration. Every field documents itself with `.describe()`;
 * `eport config schema` prints the JSON Schema made from this file and the ones it builds on
 * (schema-parts.ts, adapter-schemas.ts, limits-schema.ts). Defaults live in these files only.
 */

export const signatureSchema = z
  .object({
    algorithm: z.enum(['rsa-sha1', 'rsa-sha256', 'sm2-sm3']).default('rsa-sha1'),
    uris: z
      .enum(['chinaport-2022', 'w3-sm2'])
      .default('chinaport-2022')
      .describe(
        'SM2 URI preset: chinaport-2022 (the 202205 spec) or w3-sm2 (w3 namespace, SHA-1 digest); RSA uses the W3C URIs',
      ),
    signatureMethodUri: z
      .string()
      .optional()
      .describe('override of the SignatureMethod Algorithm URI, for a site that wants another'),
    digestMethodUri: z.string().optional().describe('override of the DigestMethod Algorithm URI'),
    digestHash: z
      .enum(['sha1', 'sha256', 'sm3'])
      .optional()
      .describe('the hash behind digestMethodUri when the URI is not a known one'),
    sm2Encoding: z
      .enum(['raw', 'der'])
      .optional()
      .describe('SM2 SignatureValue as 64-byte r||s (raw, what cards return) or DER'),
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
  .refine(
    (e) => e.type === 'none' || (e.senderId && e.receiverIds.length > 0),
    'a dxp envelope needs senderId and receiverIds / DXP 信封需要 senderId 和 receiverIds',
  );

export const channelSchema = z
  .object({
    name,
    messageType: z
      .string()
      .default('DecMessage')
      .describe(
        'the standard message this channel produces (DecMessage, CEB311Message, MT2101...); the translator has the last word',
      ),
    translator: z
      .enum(TRANSLATOR_KINDS)
      .default('dec-xml')
      .describe(
        'dec-xml: standard DecMessage XML, checked and passed through; enterprise: CSV/Excel/JSON/XML through a mapping; acd: 代理报关委托 JSON -> ImportAgrRequest',
      ),
    translation: translationSchema
      .optional()
      .describe('mapping, input format, encoding, code tables, validation'),
    dir: z
      .string()
      .optional()
      .describe('base folder; inbox, outbox, sent and failed default to sub-folders of it'),
    intake: z.array(intakeSchema).default(() => [folderIntakeSchema.parse({ type: 'folder' })]),
    maxBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'largest document the channel takes (folder, SFTP, HTTP); default by translator: dec-xml and ceb-xml 4 MB, enterprise, ceb and jin2 10 MB, manifest and manifest-xml 20 MB',
      ),
    outbox: z.string().optional().describe('where receipts are written; default <dir>/outbox'),
    sent: z.string().optional().describe('where accepted source files go; default <dir>/sent'),
    failed: z.string().optional().describe('where rejected source files go; default <dir>/failed'),
    signer: name.describe(
      'name of a signer, or "client" to leave signing to the Single Window client\'s card (sent unsigned)',
    ),
    signature: signatureSchema.default({ algorithm: 'rsa-sha1', uris: 'chinaport-2022' }),
    envelope: envelopeSchema.default({ type: 'none', receiverIds: [] }),
    jin2: jin2ChannelSchema
      .optional()
      .describe('金二 channels (translator: jin2): client-import file or enveloping signature'),
    transport: name.describe('name of a transport'),
    module: z
      .string()
      .regex(/^[A-Za-z0-9_]{2,20}$/)
      .optional()
      .describe(
        'Single Window client module (FormId) this channel uses: DECCUS001 报关单, MFT 舱单, SAS, IMPCEB/EXPCEB...; default from messageType',
      ),
    layout: z
      .enum(['folders', 'imppath'])
      .default('folders')
      .describe(
        'folders: dir/{inbox,outbox,sent,failed}; imppath: dir/<module folder>/{OutBox,InBox,SentBox,FailBox} like the Single Window client',
      ),
    receiptSlaMs: duration
      .default('4h')
      .describe('alert when a sent message has no receipt after this long'),
    gatewayReceipts: z
      .enum(['xml', 'json'])
      .default('xml')
      .describe(
        "format of the gateway's own receipts (error, dead, duplicate): XML like customs receipts, or JSON",
      ),
    receiptForm: z
      .enum(['xml', 'json', 'csv', 'mapping'])
      .default('xml')
      .describe(
        'form of the receipts in the outbox: xml as customs sent them, json, csv with Chinese status text, or mapping (receiptMapping)',
      ),
    receiptMapping: z
      .string()
      .optional()
      .describe(
        "receipt mapping YAML: the enterprise's own receipt layout and encoding (GBK...); needed by receiptForm mapping",
      ),
  })
  .strict()
  .refine((c) => c.receiptForm !== 'mapping' || c.receiptMapping, {
    message: 'receiptForm mapping needs receiptMapping: ./receipt-mapping.yaml',
    path: ['receiptMapping'],
  })
  .refine(
    (c) =>
      c.dir ||
      (c.outbox && c.sent && c.failed && c.intake.every((i) => i.type !== 'folder' || i.path)),
    {
      message:
        'give dir, or every one of intake[].path, outbox, sent and failed / 请给出 dir，或者全部给出 intake[].path、outbox、sent 和 failed',
    },
  );

export const retrySchema = z
  .object({
    schedule: z
      .string()
      .regex(
        /^\s*\d+(\.\d+)?(ms|s|m|h|d)(\*\d+)?(\s*,\s*\d+(\.\d+)?(ms|s|m|h|d)(\*\d+)?)*\s*$/,
        'like "30s, 2m, 10m*3, 1h*6"',
      )
      .default('30s, 2m, 10m*3, 1h*6')
      .describe('delays between delivery attempts; "10m*3" means three waits of ten minutes'),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .default(0.2)
      .describe('each delay is varied by up to this fraction'),
    maxAge: duration.default('2d').describe('a message older than this is not retried again'),
  })
  .strict();

export const configSchema = z
  .object({
    dataDir: z
      .string()
      .default('./data')
      .describe('spool, managed Redis and other state; relative to the config file'),
    spoolDir: z
      .string()
      .optional()
      .describe(
        'where documents, signed messages and receipts are kept (default dataDir/spool); with several nodes, one folder on storage they all share',
      ),
    redis: redisSchema,
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
        pretty: z
          .boolean()
          .optional()
          .describe('human-readable logs; default when stdout is a terminal'),
      })
      .strict()
      .default({ level: 'info' }),
    http: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8470),
        requestTimeoutMs: duration
          .default('30s')
          .describe(
            'a request must arrive whole (headers and body) within this time, or its connection is closed',
          ),
        tokens: z
          .array(
            z
              .object({
                name: z.string(),
                sha256: z
                  .string()
                  .regex(/^[0-9a-f]{64}$/)
                  .describe('hex SHA-256 of the bearer token'),
                scopes: z
                  .array(z.enum(['upload', 'receipts', 'operate', 'read-only', 'admin']))
                  .min(1)
                  .optional()
                  .describe(
                    'what the token may do; unset = every scope (a warning at start asks to set them)',
                  ),
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
        maxEventLoopDelayMs: duration
          .default(1000)
          .describe(
            'answer 503 (load shedding) while the event loop lags more than this; 0 turns load shedding off',
          ),
        maxWaitSeconds: z
          .number()
          .int()
          .min(0)
          .max(120)
          .default(60)
          .describe('longest long-poll wait a client may ask for'),
        tls: z
          .object({
            cert: z.string().describe('PEM server certificate (chain)'),
            key: secret.describe('PEM server private key'),
            clientCa: z
              .string()
              .optional()
              .describe(
                'PEM CA bundle: when set, clients must present a certificate it signed (mTLS)',
              ),
          })
          .strict()
          .optional()
          .describe('serve HTTPS; with clientCa, mutual TLS'),
      })
      .strict()
      .default({
        enabled: true,
        host: '127.0.0.1',
        port: 8470,
        requestTimeoutMs: 30_000,
        tokens: [],
        rateLimit: { max: 600, window: '1m' },
        maxEventLoopDelayMs: 1000,
        maxWaitSeconds: 60,
      }),
    shutdownMs: duration.default('20s').describe('how long workers may drain at shutdown'),
    records: z
      .object({
        archive: z
          .boolean()
          .default(true)
          .describe(
            'keep originals, signed messages and receipts in compressed daily archives under <dataDir>/archive',
          ),
        archiveRetention: duration
          .default('3650d')
          .describe(
            'archives of days older than this are deleted; the audit log (<dataDir>/audit) is never deleted',
          ),
      })
      .strict()
      .default({ archive: true, archiveRetention: '3650d' })
      .describe('records kept for years: the hash-chained audit log and the document archive'),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe(
        'worker processes of `eport start` (default: the number of cores); 1 runs everything in one process',
      ),
    retention: z
      .object({
        finished: duration
          .default('7d')
          .describe(
            'a finished message (delivered and answered, failed, cancelled) leaves Redis this long after its last change; its records stay in the audit log and archive',
          ),
        feed: duration
          .default('7d')
          .describe('receipt-feed entries (the HTTP polling API) older than this are trimmed'),
        jobs: duration
          .default('1h')
          .describe(
            'completed queue jobs are kept this long (at most 50,000 a queue), so a repeated job id stays a no-op',
          ),
      })
      .strict()
      .default({ finished: '7d', feed: '7d', jobs: '1h' })
      .describe('how long the live store (Redis) keeps finished messages and feed entries'),
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
    transports: z
      .array(
        z.discriminatedUnion('type', [
          httpTransportSchema,
          sftpTransportSchema,
          swClientTransportSchema,
          amqpTransportSchema,
        ]),
      )
      .min(1),
    receiptSources: z
      .array(
        z.discriminatedUnion('type', [
          httpPullReceiptSourceSchema,
          sftpReceiptSourceSchema,
          amqpReceiptSourceSchema,
        ]),
      )
      .default([]),
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
