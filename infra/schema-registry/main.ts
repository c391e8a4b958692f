import { parseArgs } from 'node:util';
import { startSchemaRegistry } from './registry.ts';

/**
 * The registry as its own OS process (started by `hack up`): `main.ts --data-dir DIR --port N`.
 * SCHEMA_REGISTRY_API_KEY and SCHEMA_REGISTRY_API_SECRET, when both set, turn on basic auth; neither is printed.
 */
const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, port: { type: 'string', default: '0' } },
});
if (!values['data-dir']) {
  process.stderr.write('usage: main.ts --data-dir DIR [--port N]\n');
  process.exit(2);
}
const { SCHEMA_REGISTRY_API_KEY: apiKey, SCHEMA_REGISTRY_API_SECRET: apiSecret } = process.env;
const started = Date.now();
const registry = await startSchemaRegistry({
  dataDir: values['data-dir'],
  port: Number(values.port),
  credentials: apiKey && apiSecret ? { apiKey, apiSecret } : undefined,
});
process.stdout.write(
  `Schema Registry listening on ${registry.url}${apiKey && apiSecret ? ' (basic auth on)' : ''} (ready in ${Date.now() - started} ms)\n`,
);
const stop = (): void => {
  void registry.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
