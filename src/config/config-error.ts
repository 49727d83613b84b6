import type { ConfigProblem } from './config-problem.js';
import { describeProblems } from './problem-text.js';

export type { ConfigProblem } from './config-problem.js';

export class ConfigError extends Error {
  readonly code = 'GW_ERR_CONFIG';
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(describeProblems(file, problems));
    this.name = 'ConfigError';
  }
}
