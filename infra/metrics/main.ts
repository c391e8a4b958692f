import { parseArgs } from 'node:util';
import { startMetricsService } from './server.ts';

/**
 * The metrics service as its own OS process (started by `hack up`):
 * `main.ts --data-dir DIR --port N [--interval-ms MS] [--retention-hours H]`.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    'interval-ms': { type: 'string', default: '10000' },
    'retention-hours': { type: 'string', default: '48' },
  },
});
if (!values['data-dir']) {
  process.stderr.write('usage: main.ts --data-dir DIR [--port N] [--interval-ms MS] [--retention-hours H]\n');
  process.exit(2);
}
const started = Date.now();
const service = await startMetricsService({
  dataDir: values['data-dir'],
  port: Number(values.port),
  intervalMs: Number(values['interval-ms']),
  retentionMs: Number(values['retention-hours']) * 3_600_000,
  log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
});
process.stdout.write(
  `Metrics API listening on ${service.url}, scraping every ${values['interval-ms']} ms (ready in ${Date.now() - started} ms)\n`,
);
const stop = (): void => {
  void service.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
