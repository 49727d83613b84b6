import type { Command } from 'commander';

/**
 * Exits 1 when the first word is not a command. Commander would print the top-level help and
 * exit 0 for `eport typo --help`, so a script could take a typo for success.
 */
export function refuseUnknownCommand(program: Command, args: readonly string[]): void {
  const first = args.find((a) => !a.startsWith('-'));
  if (first === undefined || first === 'help') return;
  const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (known.includes(first)) return;
  program.error(
    `error: unknown command '${first}' / 未知命令；commands / 可用命令: ${known.join(', ')}`,
    { exitCode: 1, code: 'commander.unknownCommand' },
  );
}
