import { didYouMean } from './did-you-mean.js';
import type { ConfigProblem } from './config-problem.js';
import { pathText } from './issue-text.js';
import { CLIENT_SIGNER } from './resolve.js';

/**
 * Cross-reference checks on the raw (not yet valid) configuration: a channel naming a signer or
 * transport that does not exist, duplicate names, a secret's environment variable that is not set.
 * Run when the schema fails, so one `config check` lists these with the schema problems; when the
 * schema passes, resolveConfig checks the same.
 */
export function rawReferenceProblems(raw: unknown, env: NodeJS.ProcessEnv): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const root = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const list = (key: string): Record<string, unknown>[] =>
    Array.isArray(root[key])
      ? (root[key] as unknown[]).filter(
          (e): e is Record<string, unknown> => Boolean(e) && typeof e === 'object',
        )
      : [];
  const names = (key: string): string[] =>
    list(key).flatMap((e) => (typeof e.name === 'string' ? [e.name] : []));

  for (const key of ['signers', 'transports', 'channels', 'receiptSources']) {
    const n = names(key);
    for (const d of new Set(n.filter((x, i) => n.indexOf(x) !== i)))
      problems.push({
        path: key,
        message: `duplicate name "${d}" / 名称重复`,
        fix: 'give each entry a unique name / 每项使用唯一的名称',
      });
  }
  (Array.isArray(root.channels) ? (root.channels as unknown[]) : []).forEach((ch, i) => {
    if (!ch || typeof ch !== 'object') return;
    for (const [field, pool, zh] of [
      ['signer', 'signers', '签名器'],
      ['transport', 'transports', '传输通道'],
    ] as const) {
      const want = (ch as Record<string, unknown>)[field];
      // signer: client leaves signing to the Single Window client.
      const have = field === 'signer' ? [...names(pool), CLIENT_SIGNER] : names(pool);
      if (typeof want !== 'string' || have.includes(want)) continue;
      const guess = didYouMean(want, have);
      problems.push({
        path: `channels[${i}].${field}`,
        message: `no ${field} named "${want}" / 找不到${zh} "${want}"`,
        fix: `${guess ? `did you mean "${guess}"? ` : ''}use one of: ${have.join(', ') || `(none: add one under ${pool})`} / 请使用已定义的${zh}`,
      });
    }
  });
  problems.push(...unsetSecretVariables(raw, [], env));
  return problems;
}

/** Secrets `{ env: NAME }` whose variable (or NAME_FILE) is not set, as resolveConfig reports them. */
function unsetSecretVariables(
  v: unknown,
  path: (string | number)[],
  env: NodeJS.ProcessEnv,
): ConfigProblem[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => unsetSecretVariables(x, [...path, i], env));
  if (!v || typeof v !== 'object') return [];
  const o = v as Record<string, unknown>;
  if (typeof o.env === 'string' && Object.keys(o).every((k) => k === 'env' || k === 'file')) {
    const name = o.env;
    if (env[name] !== undefined || env[`${name}_FILE`] !== undefined) return [];
    return [
      {
        path: pathText(path),
        message: `environment variable ${name} (or ${name}_FILE) is not set / 环境变量未设置`,
        fix: `export ${name}=... or ${name}_FILE=/run/secrets/... / 运行前设置该环境变量`,
      },
    ];
  }
  return Object.entries(o).flatMap(([k, x]) =>
    k === 'headers' ? [] : unsetSecretVariables(x, [...path, k], env),
  );
}
