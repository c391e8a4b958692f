import { parseArgs } from 'node:util';
import { startOtelReceiver } from './receiver.ts';

/** The OTLP receiver as its own OS process (started by `hack up otel`): `main.ts --data-dir DIR --port N`. */
const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, port: { type: 'string', default: '0' } },
});
if (!values['data-dir']) {
  process.stderr.write('usage: main.ts --data-dir DIR [--port N]\n');
  process.exit(2);
}
const log = (line: string): void => void process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const receiver = await startOtelReceiver({ dataDir: values['data-dir'], port: Number(values.port), log });
log(`OTLP/HTTP receiver listening on ${receiver.url}, storing in ${values['data-dir']}`);
const stop = (): void => void receiver.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
