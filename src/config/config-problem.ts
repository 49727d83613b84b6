/** One problem in a configuration file: where it is, what is wrong, how to fix it. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  readonly fix?: string;
  /** Line in the configuration file, when the path points at something written there. */
  readonly line?: number;
}
