import { parseArgs } from 'node:util';
import { startSearchEmulator } from './emulator.ts';

/**
 * The emulator as its own OS process (started by `hack up`): `main.ts --data-dir DIR --port N [--https]`.
 * Keys come from the data dir (generated on first start); SEARCH_ADMIN_KEY / SEARCH_QUERY_KEY override them.
 * Prints one line when it listens; never prints the keys.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    https: { type: 'boolean', default: false },
  },
});
if (!values['data-dir']) {
  process.stderr.write('usage: main.ts --data-dir DIR [--port N] [--https]\n');
  process.exit(2);
}
const started = Date.now();
const emulator = await startSearchEmulator({
  dataDir: values['data-dir'],
  port: Number(values.port),
  https: values.https,
  adminKey: process.env.SEARCH_ADMIN_KEY || undefined,
  queryKey: process.env.SEARCH_QUERY_KEY || undefined,
});
process.stdout.write(
  `Search emulator listening on ${emulator.endpoint} (ready in ${Date.now() - started} ms)\n`,
);
void emulator.warmedUp.then(() =>
  process.stdout.write(`Search emulator: text indexes built ${Date.now() - started} ms after start\n`),
);
const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
