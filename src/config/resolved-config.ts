import type { ResolvedJin2 } from './jin2-schema.js';
import type {
  ParsedConfig,
  SoftKeySignerConfig,
  SignerConfig,
  HttpTransportConfig,
  SwClientTransportConfig,
  AmqpTransportConfig,
  AmqpReceiptSourceConfig,
} from './schema.js';
import type { TranslationOptions, TranslatorKind } from '../translators/translation-options.js';
import type { ClientTls } from '../core/tls-client.js';
import type { ResolvedBreaker } from './resolve-breaker.js';
import type { ResolvedHttp } from './resolve-http.js';
import type { ReceiptFormName } from '../receipts/forms/receipt-forms.js';

/*
 * What the configuration looks like once resolved (resolve.ts): paths absolute, durations in
 * milliseconds, secrets read. The adapters and the composition root read these types.
 */

/** SFTP connection settings with the key and passphrase read and the timeout in ms. */
export interface ResolvedSftpEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: string;
  readonly passphrase?: string;
  readonly knownHostKey?: string | undefined;
  readonly timeoutMs: number;
}

export interface ResolvedSftpIntake extends ResolvedSftpEndpoint {
  readonly type: 'sftp';
  readonly remoteDir: string;
  readonly sentDir: string;
  readonly failedDir: string;
  readonly pattern: string;
  readonly stableMs: number;
  readonly pollMs: number;
  readonly maxBytes: number;
  /** Take declarations with their attachments (随附单据), see gateway/sftp-companions.ts. */
  readonly attachments?: boolean;
}

export type ResolvedIntake = ResolvedFolderIntake | ResolvedSftpIntake;

export interface ResolvedFolderIntake {
  readonly type: 'folder';
  readonly path: string;
  readonly pattern: string;
  readonly stableMs: number;
  readonly pollMs: number;
  readonly doneMarker: boolean;
  /** Take declarations with their attachments (随附单据), see gateway/companion-files.ts. */
  readonly attachments?: boolean;
  readonly maxBytes: number;
  /** Files taken at once from one scan; 1 takes them one by one. */
  readonly concurrency?: number;
}

export interface ResolvedChannel {
  readonly name: string;
  readonly messageType: string;
  readonly translator: TranslatorKind;
  /** Translation options with their paths made absolute. */
  readonly translation: TranslationOptions;
  readonly intake: readonly ResolvedIntake[];
  readonly outbox: string;
  readonly sent: string;
  readonly failed: string;
  readonly signer: string;
  readonly signature: {
    readonly algorithm: 'rsa-sha1' | 'rsa-sha256' | 'sm2-sm3';
    readonly uris: 'chinaport-2022' | 'w3-sm2';
    readonly signatureMethodUri?: string | undefined;
    readonly digestMethodUri?: string | undefined;
    readonly digestHash?: 'sha1' | 'sha256' | 'sm3' | undefined;
    readonly sm2Encoding?: 'raw' | 'der' | undefined;
  };
  readonly envelope: {
    readonly type: 'none' | 'dxp';
    readonly senderId?: string | undefined;
    readonly receiverIds: readonly string[];
    readonly icCard?: string | undefined;
  };
  /** 金二 channels only: the form messages leave in (config `jin2`, defaulted by route). */
  readonly jin2?: ResolvedJin2 | undefined;
  readonly transport: string;
  /** Single Window client module (FormId) of this channel, when its messages have one. */
  readonly module?: string | undefined;
  readonly layout: 'folders' | 'imppath';
  readonly receiptSlaMs: number;
  readonly gatewayReceipts: 'xml' | 'json';
  /** Largest document the channel takes, on every intake (HTTP included). */
  readonly maxBytes: number;
  readonly receiptForm: ReceiptFormName;
  /** Absolute path of the receipt mapping YAML. */
  readonly receiptMapping?: string | undefined;
}

/** A signer's settings with paths absolute, durations in ms and secrets read (never logged). */
export type ResolvedSigner =
  | (Omit<SoftKeySignerConfig, 'passphrase'> & { readonly passphrase?: string })
  | (Omit<Extract<SignerConfig, { type: 'pcsc-card' }>, 'pin'> & { readonly pin: string })
  | (Omit<Extract<SignerConfig, { type: 'eport-service' }>, 'pin' | 'timeoutMs'> & {
      readonly pin: string;
      readonly timeoutMs: number;
    });

export interface ResolvedHttpTransport extends Omit<
  HttpTransportConfig,
  'timeoutMs' | 'connectTimeoutMs' | 'tls' | 'breaker'
> {
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly tls?: ClientTls | undefined;
}

export interface ResolvedSftpTransport extends ResolvedSftpEndpoint {
  readonly name: string;
  readonly type: 'sftp';
  readonly remoteDir: string;
}

export interface ResolvedSwClientTransport extends Omit<
  SwClientTransportConfig,
  'pickupTimeout' | 'pollMs' | 'stableMs' | 'backupDir' | 'settingsFile'
> {
  readonly settingsFile?: string | undefined;
  readonly pickupTimeoutMs: number;
  readonly pollMs: number;
  readonly stableMs: number;
  readonly backupDir?: string | undefined;
}

export type ResolvedTransport =
  ResolvedHttpTransport | ResolvedSftpTransport | ResolvedSwClientTransport | ResolvedAmqpTransport;

/** An AMQP adapter's settings with the URL (a secret: it holds the password) read and durations in ms. */
export interface ResolvedAmqpTransport extends Omit<
  AmqpTransportConfig,
  'url' | 'connectTimeoutMs' | 'confirmTimeoutMs'
> {
  readonly url: string;
  readonly connectTimeoutMs: number;
  readonly confirmTimeoutMs: number;
}

export interface ResolvedAmqpReceiptSource extends Omit<
  AmqpReceiptSourceConfig,
  'url' | 'connectTimeoutMs'
> {
  readonly url: string;
  readonly connectTimeoutMs: number;
}

export type ResolvedReceiptSource =
  | {
      readonly name: string;
      readonly type: 'http-pull';
      readonly url: string;
      readonly intervalMs: number;
      readonly tls?: ClientTls | undefined;
      readonly maxBytes: number;
      readonly timeoutMs: number;
    }
  | (ResolvedSftpEndpoint & {
      readonly name: string;
      readonly type: 'sftp';
      readonly remoteDir: string;
      readonly doneDir?: string | undefined;
      readonly pattern: string;
      readonly intervalMs: number;
      readonly maxBytes: number;
      readonly pollTimeoutMs: number;
    })
  | ResolvedAmqpReceiptSource;

/** Where Redis is: `url`, or `sentinels` naming the master of group `name`; neither = managed. */
export interface ResolvedRedis {
  readonly url?: string | undefined;
  readonly sentinels?: readonly { readonly host: string; readonly port: number }[] | undefined;
  readonly name: string;
  readonly password?: string | undefined;
  readonly sentinelPassword?: string | undefined;
  readonly db?: number | undefined;
  readonly prefix: string;
  readonly serverBinary: string;
}

/** The validated configuration with paths made absolute and durations in milliseconds. Frozen. */
export interface GatewayConfig {
  readonly dataDir: string;
  /** The content-addressed spool; shared by every node of a cluster. */
  readonly spoolDir: string;
  readonly redis: ResolvedRedis;
  readonly log: { readonly level: string; readonly pretty?: boolean | undefined };
  readonly http: ResolvedHttp;
  readonly shutdownMs: number;
  readonly records: { readonly archive: boolean; readonly archiveRetentionMs: number };
  /** Worker processes of `eport start`; absent: the number of cores. */
  readonly workers?: number;
  /** How long Redis keeps a finished message, receipt-feed entries and completed jobs (ms). */
  readonly retention: {
    readonly finishedMs: number;
    readonly feedMs: number;
    readonly jobsMs: number;
  };
  readonly concurrency: ParsedConfig['concurrency'];
  readonly retry: {
    readonly delaysMs: readonly number[];
    readonly jitter: number;
    readonly maxAgeMs: number;
  };
  readonly limits: ParsedConfig['limits'];
  readonly signers: readonly ResolvedSigner[];
  readonly transports: readonly ResolvedTransport[];
  /** Circuit breaker settings by transport name (every transport has an entry). */
  readonly breakers: Readonly<Record<string, ResolvedBreaker>>;
  readonly receiptSources: readonly ResolvedReceiptSource[];
  readonly channels: readonly ResolvedChannel[];
}
