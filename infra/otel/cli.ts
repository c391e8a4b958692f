import type { Command } from 'commander';
import { HackError } from '../errors.ts';
import { serviceDataDir } from '../paths.ts';
import { readStack } from '../stack/stack-file.ts';
import { readOtel, renderOtelSummary, summariseMetrics, summariseSpans } from './summary.ts';

/** `hack otel`: what the OTLP receiver got from the instrumented worker, as two tables. */
export function registerOtelCommand(program: Command): void {
  program
    .command('otel')
    .description(
      'Summarise the spans and metrics the OTLP receiver got from the OpenTelemetry agent on apache-connect (start it with `hack up otel apache-connect`)',
    )
    .option('--all', 'every span name and every metric, not just the first 20 spans and the key metrics')
    .option('--json', 'the summary as JSON')
    .action((options: { all?: boolean; json?: boolean }) => {
      const data = readOtel(serviceDataDir('otel'));
      if (data.spans.length === 0 && data.points.length === 0) {
        const running = readStack()?.services.otel !== undefined;
        throw new HackError(
          running
            ? 'The OTLP receiver has received nothing yet (the agent exports every 5 s once the worker runs).'
            : 'The OTLP receiver is not running and has stored nothing.',
          {
            fix: running
              ? 'Wait a few seconds, and make sure apache-connect was started after otel (`npx hack down apache-connect && npx hack up otel apache-connect`).'
              : 'Start it with the worker: `npx hack up otel apache-connect` (or `HACK_OTEL=1 npm run challenge:07`).',
          },
        );
      }
      if (options.json) {
        const summary = { spans: summariseSpans(data.spans), metrics: summariseMetrics(data.points) };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${renderOtelSummary(data, { all: options.all })}\n`);
    });
}
