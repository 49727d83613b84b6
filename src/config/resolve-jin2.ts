import type { ConfigProblem } from './config-problem.js';
import type { ResolvedJin2 } from './jin2-schema.js';
import type { ParsedConfig } from './schema.js';

const CLIENT_SIGNER = 'client';

/**
 * The 金二 form of a channel: what it says, else by route (the client imports its own file on a
 * sw-client transport; every other route carries the customs-side enveloping signature).
 * Undefined for a channel that does not make 金二 messages; `jin2:` there is a mistake.
 */
export function resolveJin2(
  ch: ParsedConfig['channels'][number],
  transportType: string | undefined,
  path: string,
  problems: ConfigProblem[],
): ResolvedJin2 | undefined {
  if (ch.translator !== 'jin2') {
    if (ch.jin2)
      problems.push({
        path: `${path}.jin2`,
        message: 'jin2 settings are for translator: jin2 channels / 仅金二通道可配置 jin2',
        fix: 'remove jin2, or set translator: jin2',
      });
    return undefined;
  }
  const envelope =
    ch.jin2?.envelope ?? (transportType === 'sw-client' ? 'client-import' : 'signature');
  if (envelope === 'signature' && ch.signer === CLIENT_SIGNER)
    problems.push({
      path: `${path}.jin2.envelope`,
      message:
        'the enveloping signature is made by the gateway, so it needs a real signer, not "client" / 网关签名需要签名器',
      fix: 'jin2: { envelope: client-import } for the client route, or a soft-key / card signer',
    });
  return {
    envelope,
    objectId: ch.jin2?.objectId ?? 'Package',
    keyInfo: ch.jin2?.keyInfo ?? 'key-name',
  };
}
