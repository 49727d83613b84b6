import type { ResolvedChannel, ResolvedIntake } from '../config/resolve.js';
import type { LeaseFactory } from '../core/lease.js';
import type { Logger } from '../core/logger.js';
import { FolderIntake } from './folder-intake.js';
import type { IntakeSource } from './intake.js';
import { SftpIntake } from './sftp-intake.js';

/** Intake adapters by config `type`; each inbox is polled by one node at a time (a lease). */
export function createIntake(
  ch: ResolvedChannel,
  it: ResolvedIntake,
  leases: LeaseFactory,
  log: Logger,
): IntakeSource {
  const clog = log.child({ channel: ch.name });
  switch (it.type) {
    case 'folder':
      return new FolderIntake(
        ch.name,
        it,
        ch.sent,
        ch.failed,
        clog,
        leases(`inbox:${it.path}`, Math.max(10_000, it.pollMs * 10)),
      );
    case 'sftp':
      return new SftpIntake(
        { ...it, channel: ch.name, archiveDir: it.sentDir },
        clog,
        leases(
          `inbox:sftp://${it.username}@${it.host}:${it.port}${it.remoteDir}`,
          Math.max(10_000, it.pollMs * 10),
        ),
      );
  }
}
