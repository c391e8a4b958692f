import type { Command } from 'commander';
import { wholeNumber } from '../infra/console/options.ts';
import { preferredPort } from '../infra/process/index.ts';
import { loadEnvFile } from '../infra/stack/env-file.ts';
import { dashboardEnvironment } from './environment.ts';
import { defaultDashboardPort, startDashboard } from './server.ts';

/** `hack dashboard`: the reference dashboard of challenge 05 in the foreground, until Ctrl-C. */
export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description(
      "The retail dashboard (challenge 05 reference): seven live panels from Cosmos DB and Azure AI Search, and the pipeline's history from the metrics service, in your browser",
    )
    .option(
      '--port <port>',
      `port to listen on (default ${defaultDashboardPort}, a free one when busy)`,
      wholeNumber,
    )
    .option('--refresh-ms <ms>', 'pause between two reads of the stores', wholeNumber, 500)
    .option('--env <file>', 'read COSMOS_* and SEARCH_* from this env file instead of the local stack')
    .action(async (options: { port?: number; refreshMs: number; env?: string }) => {
      const { cosmos, search } = dashboardEnvironment(loadEnvFile(options.env));
      const port = options.port ?? (await preferredPort(defaultDashboardPort));
      const dashboard = await startDashboard({ cosmos, search, port, refreshMs: options.refreshMs });
      process.stdout.write(
        `Dashboard on ${dashboard.url} (panel data: ${dashboard.url}/api/panels; pipeline history, from the metrics service: ${dashboard.url}/api/pipeline). Ctrl-C stops it.\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await dashboard.close();
    });
}
