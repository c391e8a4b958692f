import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { mark, style } from '../../../infra/console/style.ts';
import { renderTable } from '../../../infra/console/table.ts';
import { UsageError } from '../../../infra/errors.ts';
import { predicatePlugins, transformPlugins } from './plugins.ts';
import { converterWarnings, parseConnectorConfigText, tryTransforms } from './try-records.ts';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} file ${path}: ${(error as Error).message}`, {
      fix: `Check the path given to --${what}.`,
    });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `hack transforms …`: try a connector config's SMT chain offline, list the transforms we support. */
export function registerTransformsCommands(program: Command): void {
  const transforms = program.command('transforms').description('Single message transforms (SMTs), offline');

  transforms
    .command('try')
    .description(
      'Run a connector config\'s converters and transform chain over sample records (JSONL in, JSONL out; a dropped record prints nothing, a failed one prints {"error":…})',
    )
    .requiredOption(
      '--config <file>',
      'connector config: {"name","config":{…}}, a flat JSON map or .properties',
    )
    .option(
      '--input <file>',
      'records as JSONL {"topic","partition"?,"key","value","headers"?} (default: stdin)',
    )
    .action(async (options: { config: string; input?: string }) => {
      const props = parseConnectorConfigText(readText(options.config, 'config'), options.config);
      for (const warning of converterWarnings(props)) process.stderr.write(`${mark.warn()} ${warning}\n`);
      const input = options.input ? readText(options.input, 'input') : await readStdin();
      const outcome = tryTransforms(props, input.split(/\r?\n/), (line) => process.stdout.write(`${line}\n`));
      process.stderr.write(
        `${style.dim('·')} ${outcome.records} records: ${outcome.written} written, ${outcome.dropped} dropped, ${outcome.failed} failed\n`,
      );
      if (outcome.failed > 0) process.exitCode = 1;
    });

  transforms
    .command('list')
    .description('The transformation and predicate classes the worker and `transforms try` know')
    .action(() => {
      const rows = [...transformPlugins, ...predicatePlugins].map((plugin) => ({
        class: plugin.className,
        type: plugin.type,
        version: plugin.version,
      }));
      process.stdout.write(
        `${renderTable(
          [
            { header: 'class', value: (row: (typeof rows)[number]) => row.class },
            { header: 'type', value: (row: (typeof rows)[number]) => row.type },
            { header: 'version', value: (row: (typeof rows)[number]) => row.version },
          ],
          rows,
        )}\n`,
      );
    });
}
