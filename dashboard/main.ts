import { parseArgs } from 'node:util';
import { errorMessage } from '../infra/errors.ts';
import { dashboardEnvironment } from './environment.ts';
import { startDashboard } from './server.ts';

/**
 * The reference dashboard as its own OS process (started by `hack dashboard`, `hack up dashboard` and challenge
 * 05): `main.ts --port N [--refresh-ms MS]`. Cosmos DB and Search come from COSMOS_* / SEARCH_* variables, else
 * from the running stack. Prints one line when it listens; never prints the keys.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'refresh-ms': { type: 'string', default: '500' },
  },
});
try {
  const { cosmos, search } = dashboardEnvironment(process.env);
  const dashboard = await startDashboard({
    cosmos,
    search,
    port: Number(values.port),
    refreshMs: Number(values['refresh-ms']),
  });
  process.stdout.write(
    `Dashboard listening on ${dashboard.url} (refresh every ${values['refresh-ms']} ms)\n`,
  );
  const stop = (): void => void dashboard.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(1);
}
