import { UsageError } from '../errors.ts';
import { isAlive, isPortOpen } from '../process/index.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';
import type { CosmosMongoEntry } from '../stack/stack-file.ts';
import { mongoConnectionString, redactConnectionString } from './connection-string.ts';
import { emulatorTruststore, truststorePassword } from '../cosmos/truststore.ts';

/**
 * Cosmos DB for MongoDB in the stack. Locally it is the Cosmos emulator's second listener (one process owns the
 * journal, so a Mongo database is a Cosmos database): this service records its connection string. In the
 * external profile, COSMOS_MONGO_CONNECTION_STRING names a real account and nothing is started.
 */
export const cosmosMongoService: ServiceDefinition<CosmosMongoEntry> = {
  name: 'cosmos-mongo',
  // Named when wanted (`hack up cosmos-mongo`, a challenge that uses it): a bare `hack up` against a real Cosmos
  // DB account (external profile) must not fail for want of a MongoDB connection string.
  onDemand: true,
  needs: ['cosmos'],
  dependsOn: ['cosmos'],

  describe: (entry) =>
    redactConnectionString(entry.connectionString) + (entry.pid === undefined ? ' (external)' : ''),

  async start(context: StartContext): Promise<CosmosMongoEntry> {
    const external = context.env.COSMOS_MONGO_CONNECTION_STRING?.trim();
    if (context.profile === 'external' && external) return { connectionString: external };
    const cosmos = context.services.cosmos;
    if (!cosmos?.pid || !cosmos.mongoPort) {
      throw new UsageError(
        'Cosmos DB for MongoDB is served by the local Cosmos DB emulator, which is not running here.',
        {
          fix: 'Start the stack with `npx hack up` (local profile), or set COSMOS_MONGO_CONNECTION_STRING for the external profile.',
        },
      );
    }
    const host = new URL(cosmos.endpoint).hostname;
    context.progress(
      `Cosmos DB for MongoDB on ${host}:${cosmos.mongoPort} (the Cosmos DB emulator's MongoDB listener)`,
    );
    // Java clients (MongoDB's Kafka connector) trust the certificate through a truststore; without Java, none.
    const truststoreFile = cosmos.certificateFile
      ? await emulatorTruststore(cosmos.certificateFile).catch(() => undefined)
      : undefined;
    return {
      pid: cosmos.pid,
      connectionString: mongoConnectionString(host, cosmos.mongoPort, cosmos.key),
      certificateFile: cosmos.certificateFile,
      tlsInsecure: true,
      ...(truststoreFile ? { truststoreFile, truststorePassword } : {}),
    };
  },

  async isHealthy(entry: CosmosMongoEntry): Promise<boolean> {
    if (entry.pid === undefined) return true; // an external account: not ours to probe
    const url = new URL(entry.connectionString);
    return isAlive(entry.pid) && isPortOpen(Number(url.port), url.hostname);
  },

  // The listener stops with the Cosmos DB emulator's process, which the cosmos service stops.
  stop: () => Promise.resolve(),
};
