import { open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../../core/errors.js';
import { defaultModuleFor, type BoxName } from '../../core/client-modules.js';
import type { DeliveryAck, OutboundMessage, SendOptions, Transport } from '../transport.js';
import { clientFileName, clientStem } from './client-file-name.js';
import { moduleLayout, resolveOnDisk } from './folders.js';
import { readClientSettings, type ModuleBoxes } from './settings-file.js';
import { buildClientPackage, edocCopIds } from './client-package.js';

/** Settings of the Single Window client route (config `type: sw-client`, resolved). */
export interface SwClientOptions {
  readonly name: string;
  /** The client's ImpPath root as this host sees it (local folder or SMB/NFS mount). */
  readonly impPath: string;
  /** The client's DFWJobSettings.xml; when given, module folders come from it. */
  readonly settingsFile?: string | undefined;
  /** FormId → folder name overrides. */
  readonly folders?: Readonly<Record<string, string>>;
  /** Largest attachment (随附单据 PDF) the client takes; default 4 MB (see core/edoc-files.ts). */
  readonly maxAttachmentBytes?: number | undefined;
  /** Modules (FormId, upper case) whose messages go as `<stem>.zip` holding `<stem>.xml`; default none. */
  readonly zipModules?: readonly string[] | undefined;
}

/** Boxes the gateway looks in before writing, so one message is never handed over twice. */
const HANDED_OVER: readonly BoxName[] = ['OutBox', 'SentBox', 'FailBox'];
/** Names of one stem the gateway tries before giving up (`stem.xml`, `stem_t-2.xml`…). */
const MAX_TRIES = 20;

function folderError(where: string, err: unknown): GatewayError {
  const why = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
  return new GatewayError(
    'GW_ERR_CLIENT_FOLDER',
    {
      where,
      zh: `无法写入单一窗口客户端目录（${why}）`,
      en: `cannot write to the Single Window client folder (${why})`,
      fixZh: '检查 impPath 是否已挂载、该业务目录是否存在、网关用户是否有写权限',
      fixEn:
        'check that impPath is mounted, the module folder exists and the gateway user may write to it',
    },
    { cause: err },
  );
}

/** fsync of a directory; SMB and some NFS mounts refuse it, which loses nothing a rename keeps. */
async function syncDir(dir: string): Promise<void> {
  try {
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Not supported on this file system.
  }
}

/**
 * Delivers through the Single Window import client (单一窗口客户端) by its ImpPath folders: each
 * message becomes one file in `<module folder>/OutBox`, which the client signs (or not) and
 * sends. The file is written under a dot-prefixed `.tmp` name the client ignores, fsynced, then
 * renamed in the same folder (no cross-device rename on a share).
 *
 * Never twice: before writing, the OutBox, SentBox and FailBox are searched for the same name;
 * the same bytes there mean the message was already handed over (a re-run after a crash), and
 * other bytes under that name (another message with the same business key) move this one to
 * `stem_t-2.xml`. An operator's replay is written as `stem_r-N.xml`. What the client does next is watched by {@link SwClientWatch}.
 */
export class SwClientTransport implements Transport {
  readonly name: string;
  readonly carriesAttachments = true;
  private settings: Promise<Map<string, ModuleBoxes> | undefined> | undefined;

  constructor(private readonly opts: SwClientOptions) {
    this.name = opts.name;
  }

  /** The client's settings, read once (a failure is retried on the next send). */
  private clientSettings(): Promise<Map<string, ModuleBoxes> | undefined> {
    if (!this.opts.settingsFile) return Promise.resolve(undefined);
    this.settings ??= readClientSettings(this.opts.settingsFile).catch((err: unknown) => {
      this.settings = undefined;
      throw err;
    });
    return this.settings;
  }

  /** The on-disk folder of one box of a module. */
  async box(module: string, box: BoxName): Promise<string> {
    const layout = moduleLayout(module, await this.clientSettings(), this.opts.folders);
    return resolveOnDisk(this.opts.impPath, layout[box]);
  }

  /** The module a message goes to: the channel's, else the default for its message type. */
  static moduleOf(message: Pick<OutboundMessage, 'messageType' | 'module'>): string {
    const module = message.module ?? defaultModuleFor(message.messageType);
    if (!module) {
      throw new GatewayError('GW_ERR_CONFIG', {
        where: `message type ${message.messageType}`,
        zh: `无法确定报文类型 ${message.messageType} 应走单一窗口客户端的哪个业务目录`,
        en: `no Single Window client module is known for message type ${message.messageType}`,
        fixZh: '在通道配置中写明 module（如 DECCUS001、MFT、SAS）',
        fixEn: 'set module on the channel (e.g. DECCUS001, MFT, SAS)',
      });
    }
    return module;
  }

  async send(message: OutboundMessage, options: SendOptions): Promise<DeliveryAck> {
    if (options.signal?.aborted) {
      throw new GatewayError('GW_ERR_DELIVER_TIMEOUT', {
        where: this.name,
        zh: '发送前已取消',
        en: 'aborted before sending',
      });
    }
    const module = SwClientTransport.moduleOf(message);
    const outBox = await this.box(module, 'OutBox');
    try {
      if (!(await stat(outBox)).isDirectory())
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    } catch (err) {
      throw folderError(outBox, err);
    }
    // A replay is handed over again on purpose, as its own file: `<stem>_r-N.xml`.
    const stem =
      clientStem(message.businessKey, message.messageId) +
      (options.replay ? `_r-${options.replay}` : '');
    const boxes = await Promise.all(
      HANDED_OVER.map(async (b) => [b, await this.box(module, b)] as const),
    );
    const listings = await Promise.all(
      boxes.map(
        async ([b, dir]) => [b, dir, await readdir(dir).catch(() => [] as string[])] as const,
      ),
    );

    // With attachments the message goes as one zip: `<name>.xml` and the files (通关无纸化); a
    // split part that names none of them (paperless.splitAttachments: first) goes as plain XML.
    // Every message of a zip module (金二 Sas…) goes as a zip too, then holding the XML alone.
    const packaged =
      ((message.attachments?.length ?? 0) > 0 &&
        edocCopIds(message.bytes.toString('utf8')).length > 0) ||
      (this.opts.zipModules ?? []).includes(module.toUpperCase());
    for (let n = 1; n <= MAX_TRIES; n += 1) {
      const name = clientFileName(stem, n, packaged ? 'zip' : 'xml');
      const bytes = packaged
        ? await buildClientPackage(
            name.slice(0, -'.zip'.length),
            message.bytes,
            message.attachments ?? [],
            { maxAttachmentBytes: this.opts.maxAttachmentBytes },
          )
        : message.bytes;
      const lower = name.toLowerCase();
      let taken = false;
      for (const [b, dir, entries] of listings) {
        const found = entries.find((e) => e.toLowerCase() === lower);
        if (!found) continue;
        const existing = await readFile(join(dir, found)).catch(() => undefined);
        if (existing?.equals(bytes))
          return this.ack(module, b, found, name, message.businessKey, true);
        taken = true;
      }
      if (taken) continue;
      await this.writeInto(outBox, name, bytes);
      return this.ack(module, 'OutBox', name, name, message.businessKey, false);
    }
    throw new GatewayError('GW_ERR_DELIVER_REJECTED', {
      where: outBox,
      zh: `客户端目录中已有 ${MAX_TRIES} 个同名但内容不同的报文（${stem}）`,
      en: `${MAX_TRIES} different messages named ${stem} are already in the client folders`,
      fixZh: '清理 SentBox/FailBox 中的旧文件，或使用新的业务编号',
      fixEn: 'clean old files out of SentBox/FailBox, or use a new business number',
    });
  }

  private ack(
    module: string,
    box: BoxName,
    found: string,
    name: string,
    businessKey: string,
    already: boolean,
  ): DeliveryAck {
    const fileStem = name.replace(/\.(xml|zip)$/, '');
    return {
      reference: `${module}/${box}/${found}${already ? ' (already handed over / 已交给客户端)' : ''}`,
      // Client responses name the file stem; bind it when it is not the business key itself.
      ...(fileStem !== businessKey ? { correlationKeys: [fileStem] } : {}),
    };
  }

  /** temp (ignored by the client) + fsync + rename in the same folder + directory fsync. */
  private async writeInto(dir: string, name: string, bytes: Buffer): Promise<void> {
    const tmp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(dir, name));
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw folderError(join(dir, name), err);
    }
    await syncDir(dir);
  }

  async close(): Promise<void> {}
}
