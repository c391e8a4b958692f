import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CosmosClient } from '@azure/cosmos';
import { challenge03 } from '../challenges/03-kafka-connect/challenge.ts';
import { runChallenge } from '../challenges/runner.ts';
import { startCosmosEmulator, type CosmosEmulator } from '../infra/cosmos/server.ts';
import { startSearchEmulator, type SearchEmulator } from '../infra/search/emulator.ts';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { searchClient } from '../infra/search/client.ts';
import {
  environmentFromFile,
  environmentFromVariables,
  type Environment,
} from '../infra/stack/environment.ts';
import { loadEnvFile } from '../infra/stack/env-file.ts';
import { writeStack, type StackFile } from '../infra/stack/stack-file.ts';
import { testBootstrapServers, uniqueName, waitFor } from '../infra/testing/helpers.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { startWorker, type RunningWorker } from '../connectors/runtime/worker.ts';
import { ConnectClient, connectorPath } from '../connectors/runtime/connect-client.ts';
import { readConnectorFiles } from '../connectors/runtime/cli.ts';
import { connectService } from '../connectors/runtime/service.ts';
import { stripAnsi } from '../infra/console/style.ts';
import { verifyChallenge } from './run.ts';
import { renderScoreboard } from './reporters/console.ts';
import type { CheckResult, VerifyReport } from './report.ts';

/**
 * Challenge 03 end to end on real Kafka, our emulators and our worker, with the reference connectors: verify
 * passes. Then the pipeline is broken the ways participants break it, one at a time, and verify must fail and
 * name the cause. (The pure check logic has its own unit tests; this proves it on what the services return.)
 */
const spec = challenge03;
const home = mkdtempSync(join(tmpdir(), 'verify-e2e-'));
let cosmos: CosmosEmulator;
let search: SearchEmulator;
let worker: RunningWorker;
let environment: Environment;
let client: CosmosClient;
let connect: ConnectClient;

const check = async (id: CheckResult['id'], timeoutMs = 4000): Promise<CheckResult> => {
  const report = await verifyChallenge(spec, environment, { timeoutMs, intervalMs: 1000 });
  return report.checks.find((item) => item.id === id)!;
};

beforeAll(async () => {
  process.env.HACK_HOME = home; // the worker's ${stack:…} provider reads this stack.json
  cosmos = await startCosmosEmulator({ dataDir: join(home, 'cosmos'), port: 0 });
  search = await startSearchEmulator({ dataDir: join(home, 'search'), port: 0 });
  const prefix = uniqueName('verify-e2e');
  worker = await startWorker({
    kafka: testBootstrapServers(),
    port: 0,
    groupId: prefix,
    topicPrefix: prefix,
    workerProps: { 'offset.flush.interval.ms': '1000' },
    log: () => {},
  });
  const services: StackFile['services'] = {};
  services.kafka = { bootstrapServers: testBootstrapServers() };
  services.cosmos = { endpoint: cosmos.endpoint, key: cosmos.key, tlsInsecure: true };
  services.search = { endpoint: search.endpoint, adminKey: search.adminKey, queryKey: search.queryKey };
  services.connect = { url: worker.url };
  writeStack({ profile: 'local', startedAt: new Date().toISOString(), services });
  const envFile = join(home, 'team.env');
  writeFileSync(
    envFile,
    [
      `KAFKA_BOOTSTRAP_SERVERS=${testBootstrapServers()}`,
      `COSMOS_ENDPOINT=${cosmos.endpoint}`,
      `COSMOS_KEY=${cosmos.key}`,
      'COSMOS_TLS_INSECURE=true',
      `SEARCH_ENDPOINT=${search.endpoint}`,
      `SEARCH_ADMIN_KEY=${search.adminKey}`,
      `CONNECT_URL=${worker.url}`,
    ].join('\n'),
  );
  environment = environmentFromVariables(loadEnvFile(envFile), envFile);
  client = cosmosClient(environment.cosmos!);
  connect = new ConnectClient(worker.url);

  // The whole challenge as `hack challenge 03 --solution --env team.env` runs it.
  const report = await runChallenge(spec, { env: envFile, solution: true, timeout: 120 });
  expect(report.checks.filter((item) => !item.passed).map((item) => `${item.id}: ${item.hint}`)).toEqual([]);
  expect(report.passed).toBe(true);
}, 300_000);

afterAll(async () => {
  client?.dispose();
  await worker?.close();
  await search?.close();
  await cosmos?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('verify on a broken pipeline', () => {
  it('kafka-to-cosmos: a document deleted from the sink after the sync', async () => {
    const container = client.database('retail-sink').container('purchases');
    const { resources } = await container.items.query('SELECT TOP 1 * FROM c').fetchAll();
    const victim = resources[0]!;
    await container.item(victim.id, victim.userId).delete();
    const result = await check('kafka-to-cosmos');
    expect(result.passed).toBe(false);
    expect(result.missing).toEqual([`purchases:${victim.id}`]);
    expect(result.hint).toContain('records of purchases are not in purchases');
    await container.items.upsert(victim);
    expect((await check('kafka-to-cosmos')).passed).toBe(true);
  });

  it('cosmos-to-search: a document missing from the index', async () => {
    const users = searchClient(environment.search!, 'users');
    const { resources } = await client
      .database('retail')
      .container('users')
      .items.query('SELECT TOP 1 * FROM c')
      .fetchAll();
    const victim = resources[0]!;
    await users.deleteDocuments('id', [String(victim.id)]);
    const result = await check('cosmos-to-search');
    expect(result.passed).toBe(false);
    expect(result.missing).toEqual([`users:${victim.id}`]);
  });

  it('connectors-healthy: a stopped connector', async () => {
    await connect.call('PUT', connectorPath('search-sink', '/stop'));
    const result = await check('connectors-healthy');
    expect(result.passed).toBe(false);
    expect(result.missing).toContain('search-sink');
    expect(result.hint).toContain('Connector search-sink is STOPPED');
    await connect.call('PUT', connectorPath('search-sink', '/resume'));
    await waitFor(async () => (await check('connectors-healthy', 0)).passed, {
      timeoutMs: 30_000,
      description: 'search-sink running again',
    });
  });

  it('kafka-to-cosmos: a second sink with a wrong id strategy writes documents under other ids', async () => {
    const [sink] = readConnectorFiles(join(spec.dir, 'solution', 'cosmos-sink.json'));
    await connect.call('PUT', connectorPath('cosmos-sink-wrong-ids', '/config'), {
      ...sink!.config,
      name: 'cosmos-sink-wrong-ids',
      topics: 'returns',
      'azure.cosmos.sink.id.strategy': 'KafkaMetadataStrategy',
    });
    const result = await check('kafka-to-cosmos', 30_000);
    expect(result.passed).toBe(false);
    expect(result.extraCount).toBeGreaterThan(0);
    expect(result.extra.every((id) => id.startsWith('returns:'))).toBe(true);
    expect(result.hint).toMatch(/ids that are not on returns/);
    await connect.call('DELETE', connectorPath('cosmos-sink-wrong-ids'));
  });

  it('connectors-healthy: a sink writing into the source database (a feedback loop)', async () => {
    const [sink] = readConnectorFiles(join(spec.dir, 'solution', 'cosmos-sink.json'));
    await connect.call('PUT', connectorPath('cosmos-sink-loop', '/config'), {
      ...sink!.config,
      name: 'cosmos-sink-loop',
      // A topic nobody writes: the loop is found in the config, and no record goes round it to pollute later tests.
      topics: 'loop-probe',
      'azure.cosmos.sink.database.name': 'retail',
      'azure.cosmos.sink.containers.topicMap': 'loop-probe#products',
    });
    try {
      const result = await check('connectors-healthy');
      expect(result.passed).toBe(false);
      expect(result.hint).toContain('cosmos-sink-loop writes into retail, the database the source reads');
    } finally {
      await connect.call('DELETE', connectorPath('cosmos-sink-loop'));
    }
  });

  it('kafka-to-cosmos: a topic left out of the sink (topics and topic map)', async () => {
    const [sink] = readConnectorFiles(join(spec.dir, 'solution', 'cosmos-sink.json'));
    const config = {
      ...sink!.config,
      topics: sink!.config.topics!.replace('returns,', ''),
      'azure.cosmos.sink.containers.topicMap': sink!.config['azure.cosmos.sink.containers.topicMap']!.replace(
        'returns#returns,',
        '',
      ),
    };
    await connect.call('PUT', connectorPath('cosmos-sink', '/config'), config);
    // Start the container over: the documents written under the old config must not hide the gap.
    await client.database('retail-sink').container('returns').delete();
    await client
      .database('retail-sink')
      .containers.create({ id: 'returns', partitionKey: { paths: ['/userId'] } });
    const result = await check('kafka-to-cosmos');
    expect(result.passed).toBe(false);
    expect(result.missing.length).toBeGreaterThan(0);
    expect(result.missing.every((id) => id.startsWith('returns:'))).toBe(true);
    expect(result.hint).toContain("No Cosmos DB sink consumes topic returns: add it to the sink's `topics`");
  });

  it('connectors-healthy: a malformed record lands in the dead-letter topic, counted and explained', async () => {
    const producer = kafkaClient(environment.kafka).producer();
    await producer.connect();
    await producer.send({
      topic: 'purchases',
      acks: -1,
      messages: [{ key: 'broken', value: '{"id": "broken", not json' }],
    });
    await producer.disconnect();
    const result = await check('connectors-healthy', 30_000);
    expect(result.passed).toBe(false);
    expect(result.hint).toContain('went to dead-letter topic dlq-cosmos-sink');
    expect(
      result.details.some((line) =>
        /purchases@\d+ \(VALUE_CONVERTER\): Converting byte\[\] to Kafka Connect data failed/.test(line),
      ),
    ).toBe(true);
  });
});

describe('verdicts name the true cause first', () => {
  const verdict = (report: VerifyReport): string => stripAnsi(renderScoreboard(report)).split('\n')[0]!;
  const blockedBy = (report: VerifyReport, id: string): string | undefined =>
    report.checks.find((item) => item.id === id)?.blockedBy;
  const solutionConfig = (name: string) => readConnectorFiles(join(spec.dir, 'solution', `${name}.json`))[0]!;
  /** A user written after the break: it can reach Kafka and Search only through the (broken) source. */
  const newUser = async (id: string): Promise<void> => {
    await client
      .database('retail')
      .container('users')
      .items.upsert({
        id,
        fullName: 'Late Arrival',
        email: `${id}@example.com`,
        country: 'PT',
        city: 'Porto',
        createdAt: '2026-01-07T08:00:00.000Z',
      });
  };
  /**
   * The source runs again and the late user reached Kafka and the index (the earlier tests leave other gaps on
   * purpose — a document deleted from the index, a topic left out of the sink — so only this is asked).
   */
  const healed = async (lateId: string): Promise<void> => {
    const passing = async (): Promise<boolean> => {
      const { checks } = await verifyChallenge(spec, environment, { timeoutMs: 0 });
      const byId = new Map(checks.map((item) => [item.id, item]));
      const source = byId.get('connector:cosmos-source')!;
      const toKafka = byId.get('cosmos-to-kafka')!;
      const toSearch = byId.get('cosmos-to-search')!;
      const healthy = source.passed && toKafka.passed && !toSearch.missing.includes(`users:${lateId}`);
      // Thrown, so a timeout names what is still wrong.
      if (!healthy)
        throw new Error(
          [source, toKafka, toSearch].map((c) => `${c.id}: ${c.passed} ${c.hint ?? ''}`).join(' | '),
        );
      return true;
    };
    await waitFor(passing, { timeoutMs: 90_000, description: 'the source and the late user through again' });
  };

  it('a wrong Cosmos key in the source config: the FAILED task, its cause and key first; search is blocked', async () => {
    const source = solutionConfig('cosmos-source');
    await connect.call('PUT', connectorPath('cosmos-source', '/config'), {
      ...source.config,
      'azure.cosmos.account.key': Buffer.from('not the key').toString('base64'),
    });
    try {
      await newUser('late-1');
      const report = await verifyChallenge(spec, environment, { timeoutMs: 60_000 });
      expect(report.passed).toBe(false);
      expect(report.cause?.id).toBe('connector:cosmos-source');
      expect(verdict(report)).toMatch(
        /connector:cosmos-source: (Task 0 of|Connector) cosmos-source FAILED: The input authorization token can't serve the request \(azure\.cosmos\.account\.key\)\. Fix azure\.cosmos\.account\.key in the connector config/,
      );
      expect(verdict(report)).not.toContain('..');
      expect(blockedBy(report, 'cosmos-to-kafka')).toBe('connector:cosmos-source');
      expect(blockedBy(report, 'cosmos-to-search')).toBe('connector:cosmos-source');
      expect(report.checks.find((item) => item.id === 'cosmos-to-search')!.hint).toMatch(
        /^Blocked by connector:cosmos-source/,
      );
      expect(report.stoppedBecause).toContain('cannot recover');
    } finally {
      await connect.call('PUT', connectorPath('cosmos-source', '/config'), source.config);
    }
    await healed('late-1');
  }, 240_000); // the healing wait alone may take 90 s on a loaded machine

  it('a stopped source: the connector is the cause, not the search sink', async () => {
    await connect.call('PUT', connectorPath('cosmos-source', '/stop'));
    try {
      await newUser('late-2');
      const report = await verifyChallenge(spec, environment, { timeoutMs: 60_000 });
      expect(report.cause?.id).toBe('connector:cosmos-source');
      expect(verdict(report)).toContain(
        'Connector cosmos-source is STOPPED: `npx hack connectors resume cosmos-source`',
      );
      expect(blockedBy(report, 'cosmos-to-search')).toBe('connector:cosmos-source');
      expect(report.attempts).toBe(1); // a stopped connector ends the wait at once
    } finally {
      await connect.call('PUT', connectorPath('cosmos-source', '/resume'));
    }
    await healed('late-2');
  }, 240_000);

  it('a wrong COSMOS_KEY: the service is the cause and names the variable; the flows are blocked by it', async () => {
    const wrong: Environment = {
      ...environment,
      cosmos: { ...environment.cosmos!, key: Buffer.from('wrong').toString('base64') },
    };
    const report = await verifyChallenge(spec, wrong, { timeoutMs: 30_000 });
    expect(report.cause?.id).toBe('service:cosmos');
    expect(verdict(report)).toContain('rejected the credential: check COSMOS_KEY in');
    for (const id of ['cosmos-to-kafka', 'kafka-to-cosmos', 'cosmos-to-search'])
      expect(blockedBy(report, id), id).toBe('service:cosmos');
    expect(report.attempts).toBe(1);
  });

  it('a worker killed with kill -9: the worker is the cause; connectors and the sink flow are blocked by it', async () => {
    const prefix = uniqueName('killed');
    const entry = await connectService.start({
      profile: 'local',
      services: { kafka: { bootstrapServers: testBootstrapServers() } } as StackFile['services'],
      env: { ...process.env, CONNECT_TOPIC_PREFIX: prefix, CONNECT_GROUP_ID: prefix },
      ephemeralPorts: true,
      progress: () => {},
    });
    process.kill(entry.pid!, 'SIGKILL');
    const sink = client.database('retail-sink').container('purchases');
    const { resources } = await sink.items.query('SELECT TOP 1 * FROM c').fetchAll();
    const victim = resources[0]!;
    await sink.item(victim.id, victim.userId).delete();
    try {
      const report = await verifyChallenge(
        spec,
        { ...environment, connect: { url: entry.url } },
        { timeoutMs: 30_000 },
      );
      expect(report.cause?.id).toBe('service:connect');
      expect(verdict(report)).toMatch(
        new RegExp(`service:connect: Kafka Connect at ${entry.url} does not answer`),
      );
      expect(verdict(report)).not.toMatch(/does not answer.*does not answer/);
      for (const id of ['connector:cosmos-sink', 'kafka-to-cosmos', 'connectors-healthy'])
        expect(blockedBy(report, id), id).toBe('service:connect');
      expect(report.checks.find((item) => item.id === 'kafka-to-cosmos')!.hint).not.toContain(
        'write.strategy',
      );
      expect(report.attempts).toBe(1);
    } finally {
      await sink.items.upsert(victim);
    }
  });
});

describe('coach mode through a SASL_SSL listener (the shape of Event Hubs and Confluent Cloud)', () => {
  const sasl = inject('kafkaSaslSsl');
  const envFile = (mechanism: string, password: string): string => {
    const file = join(home, `coach-${mechanism}.env`);
    writeFileSync(
      file,
      [
        `KAFKA_BOOTSTRAP_SERVERS=${sasl!.bootstrapServers}`,
        'KAFKA_SECURITY_PROTOCOL=SASL_SSL',
        `KAFKA_SASL_MECHANISM=${mechanism}`,
        `KAFKA_SASL_USERNAME=${sasl!.username}`,
        `KAFKA_SASL_PASSWORD=${password}`,
        `KAFKA_SSL_CA_FILE=${sasl!.caFile}`,
        `COSMOS_ENDPOINT=${environment.cosmos!.endpoint}`,
        `COSMOS_KEY=${environment.cosmos!.key}`,
        'COSMOS_TLS_INSECURE=true',
        `SEARCH_ENDPOINT=${environment.search!.endpoint}`,
        `SEARCH_ADMIN_KEY=${environment.search!.adminKey}`,
        `CONNECT_URL=${environment.connect!.url}`,
      ].join('\n'),
    );
    return file;
  };

  it.skipIf(!sasl).each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])(
    'verify --env with %s over TLS (the harness CA) passes',
    async (mechanism) => {
      const file = envFile(mechanism, sasl!.password);
      const report = await verifyChallenge(spec, environmentFromFile(file, spec.requires), {
        timeoutMs: 30_000,
      });
      // The earlier tests leave gaps on purpose; through the listener verify must see exactly what it sees over
      // PLAINTEXT — every count of every check that reads Kafka — and reach Kafka itself.
      const plaintext = await verifyChallenge(spec, environment, { timeoutMs: 0 });
      const counts = (checks: CheckResult[]) =>
        checks
          .filter((item) => ['cosmos-to-kafka', 'kafka-to-cosmos', 'cosmos-to-search'].includes(item.id))
          .map((item) => [item.id, item.passed, item.found, item.expected, item.missingCount]);
      expect(report.checks.find((item) => item.id === 'service:kafka')!.passed).toBe(true);
      expect(counts(report.checks)).toEqual(counts(plaintext.checks));
      expect(report.checks.find((item) => item.id === 'kafka-to-cosmos')!.expected).toBeGreaterThan(300);
    },
  );

  it.skipIf(!sasl)('a wrong SASL password: Kafka is the cause and the variable is named', async () => {
    const file = envFile('SCRAM-SHA-256', 'not-the-password');
    const report = await verifyChallenge(spec, environmentFromFile(file, spec.requires), {
      timeoutMs: 30_000,
    });
    expect(report.cause?.id).toBe('service:kafka');
    expect(report.cause?.hint).toContain('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD');
    expect(report.cause?.hint).not.toContain('not-the-password');
    expect(report.checks.find((item) => item.id === 'cosmos-to-kafka')!.blockedBy).toBe('service:kafka');
  });
});
