import { Command, CommanderError } from 'commander';
import { HackError } from '../infra/errors.ts';
import { JavaException } from '../connectors/runtime/api/errors.ts';
import { mark, style } from '../infra/console/style.ts';
import { registerDoctorCommand } from '../infra/doctor/index.ts';
import { registerStackCommands } from '../infra/stack/commands.ts';
import { registerSqlCommand } from '../infra/databases/sql-command.ts';
import { registerConnectorsCommands } from '../connectors/runtime/cli.ts';
import { registerGenerateCommands } from '../generators/cli.ts';
import { registerVerifyCommands } from '../verify/cli.ts';
import { registerChallengeCommands } from '../challenges/cli.ts';
import { registerTransformsCommands } from '../connectors/runtime/transforms/cli.ts';
import { registerMetricsCommands } from '../infra/metrics/cli.ts';
import { registerDashboardCommand } from '../dashboard/cli.ts';
import { registerOtelCommand } from '../infra/otel/cli.ts';

/** The `hack` CLI: a thin entry; each command lives with the module it drives. */
const program = new Command('hack')
  .description('connect-hack: a workshop harness for Kafka Connect on Azure')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

registerDoctorCommand(program);
registerStackCommands(program);
registerSqlCommand(program);
registerConnectorsCommands(program);
registerGenerateCommands(program);
registerVerifyCommands(program);
registerChallengeCommands(program);
registerTransformsCommands(program);
registerMetricsCommands(program);
registerDashboardCommand(program);
registerOtelCommand(program);

// A reader that stops early (`hack lint | head`) is no error: end quietly, as Unix tools do on a closed pipe.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof HackError || error instanceof JavaException) {
    // The CLI's own errors and the worker's Java-style ones both carry a message for the user and maybe a fix.
    process.stderr.write(`${mark.fail()} ${error.message}\n`);
    if (error.fix) process.stderr.write(`  ${style.dim('→')} ${error.fix}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`${mark.fail()} Unexpected error — please report it with this trace:\n`);
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
