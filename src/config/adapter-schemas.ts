import { z } from 'zod';
import { breakerSchema, clientTlsSchema, duration, name, secret } from './schema-parts.js';

/**
 * The configuration of each adapter, by stage: intake sources (folder, SFTP), signers (soft key,
 * PC/SC card, E-Port service), transports (HTTP, SFTP, Single Window client, AMQP) and receipt
 * sources. Part of the one configuration schema (schema.ts); defaults live here with their fields.
 */

export const folderIntakeSchema = z
  .object({
    type: z.literal('folder'),
    path: z.string().optional().describe('inbox folder; default <channel dir>/inbox'),
    pattern: z.string().default('*.xml').describe('glob of file names to pick up, e.g. "*.xml"'),
    stableMs: duration
      .default(1000)
      .describe('a file is complete when its size and mtime have not changed for this long'),
    pollMs: duration.default(500).describe('how often the folder is scanned'),
    doneMarker: z
      .boolean()
      .default(false)
      .describe(
        'when true, pick up FILE only once FILE.done or FILE.ok exists (the marker is removed afterwards)',
      ),
    maxBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("larger files go to failed; default the channel's maxBytes"),
    attachments: z
      .boolean()
      .default(false)
      .describe(
        '通关无纸化: take each declaration together with its attachments, the folder <stem>.edoc/ or the manifest <stem>.edoc.json beside it',
      ),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .describe(
        'files handed to the pipeline at once from one scan (a backlog is taken this many at a time)',
      ),
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
    .regex(
      /^SHA256:[A-Za-z0-9+/]{43}=?$/,
      'SHA256:… as `ssh-keygen -l -E sha256 -f HOSTKEY.pub` prints it',
    )
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
    maxBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("larger files go to failed; default the channel's maxBytes"),
    attachments: z
      .boolean()
      .default(false)
      .describe(
        '通关无纸化: take each declaration together with its attachments, the remote folder <stem>.edoc/ or the manifest <stem>.edoc.json beside it',
      ),
  })
  .strict();

export const intakeSchema = z.discriminatedUnion('type', [folderIntakeSchema, sftpIntakeSchema]);

export const sftpTransportSchema = z
  .object({
    name,
    type: z.literal('sftp'),
    ...sftpEndpoint,
    remoteDir: z.string().describe('where signed messages are uploaded'),
    breaker: breakerSchema.optional(),
  })
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
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024)
      .describe('larger receipt files are left on the server with a warning'),
    pollTimeoutMs: duration
      .default('2m')
      .describe('one poll (listing and downloads together) gives up after this long'),
  })
  .strict();

export const softKeySignerSchema = z
  .object({
    name,
    type: z.literal('soft-key'),
    key: z
      .string()
      .describe('PEM file with private key and certificate, or a PKCS#12 (.p12/.pfx) file'),
    passphrase: secret.optional(),
    certNo: z
      .string()
      .optional()
      .describe('certificate number for ds:KeyName; default the serial number in hex'),
  })
  .strict();

export const pcscCardSignerSchema = z
  .object({
    name,
    type: z.literal('pcsc-card'),
    reader: z
      .string()
      .min(1)
      .describe('part of the reader name (case-insensitive), as pcsc_scan shows it'),
    profile: z.enum(['openpgp', 'piv']).describe('the card application that holds the signing key'),
    pin: secret.describe('the signing PIN; from env or a file, never in the config'),
    certificate: z.string().optional().describe('PEM certificate; default: read from the card'),
    certNo: z
      .string()
      .optional()
      .describe('certificate number for ds:KeyName; default the serial number in hex'),
  })
  .strict();

export const eportServiceSignerSchema = z
  .object({
    name,
    type: z.literal('eport-service'),
    url: z
      .string()
      .default('ws://127.0.0.1:61232')
      .describe('the E-Port client control (中国电子口岸客户端控件) websocket'),
    pin: secret.describe('the operator card PIN; from env or a file, never in the config'),
    algorithm: z
      .enum(['rsa-sha1', 'sm2-sm3'])
      .optional()
      .describe('what the card signs; default: from its certificate'),
    timeoutMs: duration.default('10s'),
  })
  .strict();

export const signerSchema = z.discriminatedUnion('type', [
  softKeySignerSchema,
  pcscCardSignerSchema,
  eportServiceSignerSchema,
]);

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
    impPath: z
      .string()
      .min(1)
      .describe(
        "the Single Window client's ImpPath folder as this host sees it (local, or an SMB/NFS mount of the Windows host)",
      ),
    settingsFile: z
      .string()
      .optional()
      .describe(
        "the client's DFWJobSettings.xml; when given, module folders come from it (Windows paths are taken relative to impPath)",
      ),
    folders: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        'module (FormId) -> folder under impPath, for a client set up differently from its defaults (e.g. DECCUS001: DecCus001)',
      ),
    subscriptions: z
      .array(z.string())
      .default(['DECSUB'])
      .describe(
        'modules whose InBox is read for receipts only (DECSUB: 报关单订阅 receipts of declarations made elsewhere)',
      ),
    pickupTimeout: duration
      .default('5m')
      .describe('alert when the client has not taken a file from OutBox after this long'),
    pollMs: duration.default('1s').describe('how often the client folders are scanned'),
    stableMs: duration
      .default('1s')
      .describe('an InBox file is complete once size and mtime held still this long'),
    receiptsAfter: z
      .enum(['delete', 'move'])
      .default('move')
      .describe(
        "what happens to an InBox file once stored: delete, or move to the module's HDNBox (回执文件备份) or backupDir/<module>/",
      ),
    backupDir: z
      .string()
      .optional()
      .describe(
        "where receiptsAfter: move puts InBox files; default the module folder's HDNBox (same share, so a rename)",
      ),
    maxAttachmentBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024)
      .describe(
        '通关无纸化: largest attachment (PDF) the client takes, checked before the zip is handed over; 4 MB is the commonly quoted 单一窗口 limit, not verified',
      ),
    zipModules: z
      .array(z.string().regex(/^[A-Za-z0-9_]{2,20}$/))
      .default(['SAS', 'NEMS', 'NPTS'])
      .describe(
        'modules whose messages go to OutBox as <stem>.zip holding <stem>.xml (金二: peers zip Sas, one tool says 核注清单需要发ZIP格式; unverified); [] writes .xml everywhere',
      ),
    breaker: breakerSchema.optional(),
  })
  .strict();

export const httpPullReceiptSourceSchema = z
  .object({
    name,
    type: z.literal('http-pull'),
    url: z
      .string()
      .url()
      .describe(
        'receipt feed: GET url?after=CURSOR returns {receipts:[{seq,fileName,content}], next}',
      ),
    intervalMs: duration.default('1s').describe('poll interval when the feed is empty'),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024)
      .describe('a larger answer is refused unread'),
    timeoutMs: duration
      .default('30s')
      .describe('one poll gives up after this long, from connect to the last byte'),
    tls: clientTlsSchema.optional(),
  })
  .strict();

/** Connection settings shared by the AMQP (RabbitMQ) adapters. */
const amqpEndpoint = {
  url: secret.describe(
    'amqp://user:password@host:5672/vhost (or amqps://); from env or a file, since it holds the password',
  ),
  connectTimeoutMs: duration.default('10s'),
};

export const amqpTransportSchema = z
  .object({
    name,
    type: z.literal('amqp'),
    ...amqpEndpoint,
    exchange: z
      .string()
      .describe(
        'exchange signed messages are published to; "" = the default exchange (routingKey = queue name)',
      ),
    routingKey: z.string().describe('routing key of every published message'),
    mandatory: z
      .boolean()
      .default(true)
      .describe(
        'a message no queue takes is a permanent error instead of being dropped by the broker',
      ),
    confirmTimeoutMs: duration
      .default('30s')
      .describe("how long to wait for the broker's publisher confirm"),
    breaker: breakerSchema.optional(),
  })
  .strict();

export const amqpReceiptSourceSchema = z
  .object({
    name,
    type: z.literal('amqp'),
    ...amqpEndpoint,
    queue: z
      .string()
      .min(1)
      .describe('queue receipts arrive in (must exist); each is acknowledged once stored'),
    prefetch: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(20)
      .describe('receipts in hand (unacknowledged) at most'),
  })
  .strict();
