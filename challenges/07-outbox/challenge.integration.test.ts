import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConnectorFiles } from '../../connectors/runtime/cli.ts';
import { ConnectClient } from '../../connectors/runtime/connect-client.ts';
import { apacheConnectService } from '../../infra/connect/service.ts';
import { startTestMongo, type TestMongo } from '../../infra/cosmos-mongo/test-support.ts';
import { emulatorTruststore, truststorePassword } from '../../infra/cosmos/truststore.ts';
import { serviceLogFile } from '../../infra/paths.ts';
import { stopProcess } from '../../infra/process/index.ts';
import { environmentFromFile } from '../../infra/stack/environment.ts';
import type {
  ConnectEntry,
  CosmosMongoEntry,
  KafkaEntry,
  StackServices,
} from '../../infra/stack/stack-file.ts';
import { testBootstrapServers, uniqueName, waitFor } from '../../infra/testing/helpers.ts';
import { verifyChallenge } from '../../verify/run.ts';
import { runChallenge } from '../runner.ts';
import { challenge07 } from './challenge.ts';

/**
 * Challenge 07 end to end on the run's broker, the Cosmos DB emulator's MongoDB listener and one Apache Kafka
 * Connect JVM: the reference (two MongoDB source connectors, the idempotent consumer) passes through
 * `runChallenge` with an env file, as a coach's run would; then a connector whose pipeline lacks the $match stage
 * fails on Cosmos DB's refusal, and the verdict names it.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-07-'));
let mongo: TestMongo;
let worker: ConnectEntry | undefined;
let envFile: string;

beforeAll(async () => {
  process.env.HACK_HOME = home;
  mongo = await startTestMongo();
  const certificateFile = mongo.emulator.certificateFile!;
  const kafka: KafkaEntry = { bootstrapServers: testBootstrapServers() };
  const cosmosMongo: CosmosMongoEntry = {
    connectionString: mongo.connectionString,
    certificateFile,
    truststoreFile: await emulatorTruststore(certificateFile),
    truststorePassword,
  };
  const services: StackServices = { kafka, 'cosmos-mongo': cosmosMongo };
  worker = await apacheConnectService.start({
    profile: 'local',
    services,
    env: { ...process.env, APACHE_CONNECT_GROUP_ID: uniqueName('outbox-connect') },
    ephemeralPorts: true,
    progress: () => {},
  });
  envFile = join(home, 'team.env');
  writeFileSync(
    envFile,
    [
      `KAFKA_BOOTSTRAP_SERVERS=${testBootstrapServers()}`,
      `COSMOS_MONGO_CONNECTION_STRING=${mongo.connectionString}`,
      `COSMOS_MONGO_CA_FILE=${certificateFile}`,
      `APACHE_CONNECT_URL=${worker.url}`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  if (worker?.pid) await stopProcess(worker.pid, 20_000);
  await mongo?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('challenge 07: the outbox on Cosmos DB for MongoDB through MongoDB’s connector', () => {
  it('passes with the reference, then names Cosmos DB’s refusal of a pipeline without $match', async () => {
    const report = await runChallenge(challenge07, {
      env: envFile,
      solution: true,
      scale: 'users=20',
      timeout: 120,
      report: 'json',
      out: join(home, 'report.json'),
    });
    expect(report.cause?.hint).toBeUndefined();
    expect(report.passed).toBe(true);

    const environment = environmentFromFile(envFile, challenge07.requires);
    const connect = new ConnectClient(worker!.url);
    const [order] = readConnectorFiles(join(challenge07.dir, 'solution'));
    const pipeline = JSON.stringify([{ $project: { _id: 1, fullDocument: 1, ns: 1, documentKey: 1 } }]);
    await connect.call('PUT', `/connectors/${order!.name}/config`, { ...order!.config, pipeline });
    // The connector logs Cosmos DB's refusal as a WARN and retries; its task stays RUNNING.
    const log = serviceLogFile('apache-connect');
    await waitFor(() => readFileSync(log, 'utf8').includes('match and then a project stage'), {
      timeoutMs: 60_000,
      description: "Cosmos DB's refusal in the worker's log",
    });
    const broken = await verifyChallenge(challenge07, environment, { timeoutMs: 30_000 });
    expect(broken.cause?.id).toBe('connectors');
    expect(broken.cause?.hint).toContain(
      'Change stream must be followed by a match and then a project stage',
    );
    await connect.call('PUT', `/connectors/${order!.name}/config`, order!.config); // stop the retry loop
  });
});
