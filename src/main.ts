import { Command } from 'commander';
import { registerStart } from './cli/start-command.js';
import { registerConfig } from './cli/config-command.js';
import { registerStatus } from './cli/status-command.js';
import { registerSandbox } from './cli/sandbox-command.js';
import { registerDemo } from './cli/demo-command.js';
import { registerSignCommands } from './cli/sign-command.js';
import { registerDoctor } from './cli/doctor-command.js';
import { registerRetry } from './cli/retry-command.js';
import { registerAmend } from './cli/amend-command.js';
import { registerDeliveryCommands } from './cli/delivery-commands.js';
import { registerTranslate } from './cli/translate-command.js';
import { registerValidate } from './cli/validate-command.js';
import { formatError } from './cli/format-error.js';
import { refuseUnknownCommand } from './cli/unknown-command.js';
import { registerOperations } from './cli/operations-commands.js';

const program = new Command()
  .name('eport')
  .description(
    'Customs EDI gateway for China E-Port (中国电子口岸) and the Single Window (单一窗口)',
  )
  .version('0.1.0')
  .showHelpAfterError();

registerStart(program);
registerConfig(program);
registerStatus(program);
registerSandbox(program);
registerDemo(program);
registerSignCommands(program);
registerDoctor(program);
registerRetry(program);
registerAmend(program);
registerDeliveryCommands(program);
registerTranslate(program);
registerValidate(program);
registerOperations(program);

// Each command loads what it needs when it runs, so registering them all costs little.
refuseUnknownCommand(program, process.argv.slice(2));
await program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(formatError(err));
  process.exit(1);
});
