import { describe, expect, it } from 'vitest';
import { pipeline03 } from '../challenges/03-kafka-connect/pipeline.ts';
import { readConnectorFiles } from '../connectors/runtime/cli.ts';
import { join } from 'node:path';
import { containerKey, type PipelineState } from './checks.ts';
import { runChecks } from './pipeline-checks.ts';
import type { ConnectorView } from './connect-state.ts';
import type { TopicSnapshot } from './readers/kafka.ts';
import { renderJson } from './reporters/json.ts';
import { serviceProblem } from './pipeline-state.ts';
import { stackSource } from '../infra/stack/environment.ts';
import { renderJunit } from './reporters/junit.ts';
import { renderMarkdown } from './reporters/markdown.ts';
import { renderScoreboard } from './reporters/console.ts';
import { stripAnsi } from '../infra/console/style.ts';
import type { VerifyReport } from './report.ts';

/**
 * The checks are pure functions of what was read; these tests build that state by hand — a healthy pipeline,
 * then one broken in each way a participant breaks it — and assert the verdict and the named cause.
 */
const spec = pipeline03;
const user = (id: string, city = 'Lisbon') => ({
  id,
  fullName: `User ${id}`,
  email: `${id}@example.com`,
  country: 'PT',
  city,
  createdAt: '2026-01-05T08:00:00.000Z',
});
const product = (id: string, unitPrice = 10) => ({
  id,
  name: `Product ${id}`,
  category: 'tools',
  sku: `SKU-${id}`,
  unitPrice,
  createdAt: '2026-01-05T08:00:00.000Z',
});
const purchase = (id: string) => ({
  id,
  userId: 'u1',
  productId: 'p1',
  quantity: 1,
  unitPrice: 10,
  totalPrice: 10,
  purchasedAt: '2026-01-06T08:00:00.000Z',
});

function topic(name: string, values: Array<Record<string, unknown>>): TopicSnapshot {
  const snapshot: TopicSnapshot = {
    topic: name,
    exists: true,
    records: values.length,
    latest: new Map(),
    versions: new Map(),
    unreadable: 0,
  };
  values.forEach((value, offset) => {
    const id = String(value.id);
    snapshot.latest.set(id, { key: id, value, partition: 0, offset });
    snapshot.versions.set(id, (snapshot.versions.get(id) ?? 0) + 1);
  });
  return snapshot;
}

const solution = readConnectorFiles(join(spec.dir, 'solution'));
const connectorsOf = (files = solution): ConnectorView[] =>
  files.map((file) => ({
    name: file.name,
    type: 'sink',
    config: file.config,
    state: 'RUNNING',
    tasks: [{ id: 0, state: 'RUNNING' }],
  }));

function healthy(): PipelineState {
  const users = [user('u1'), user('u2')];
  const products = [product('p1')];
  const purchases = [purchase('o1'), purchase('o2')];
  const state: PipelineState = {
    topics: new Map(),
    containers: new Map(),
    indexes: new Map(),
    connectors: connectorsOf(),
    deadLetters: new Map([['dlq-cosmos-sink', 0]]),
    deadLetterSamples: new Map(),
    unavailable: {},
  };
  const system = { _rid: 'x', _etag: '"1"', _ts: 1 };
  const docs = (values: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) =>
    new Map(values.map((value) => [String(value.id), { ...value, ...extra }]));
  state.containers.set(containerKey('retail', 'users'), {
    database: 'retail',
    container: 'users',
    exists: true,
    documents: docs(users, system),
  });
  state.containers.set(containerKey('retail', 'products'), {
    database: 'retail',
    container: 'products',
    exists: true,
    documents: docs(products, system),
  });
  for (const flow of spec.flows.kafkaToCosmos) {
    const values =
      flow.topic === 'users'
        ? users
        : flow.topic === 'products'
          ? products
          : flow.topic === 'purchases'
            ? purchases
            : [];
    state.topics.set(
      flow.topic,
      topic(
        flow.topic,
        values.map((value) => ({
          ...value,
          ...(flow.topic === 'users' || flow.topic === 'products' ? system : {}),
        })),
      ),
    );
    state.containers.set(containerKey(flow.database, flow.container), {
      database: flow.database,
      container: flow.container,
      exists: true,
      documents: docs(values, { _rid: 'y' }),
    });
  }
  state.indexes.set('users', {
    index: 'users',
    exists: true,
    keyField: 'id',
    fields: Object.keys(user('x')),
    documents: docs(users.map((value) => ({ ...value, createdAt: new Date(value.createdAt) }))),
  });
  state.indexes.set('products', {
    index: 'products',
    exists: true,
    keyField: 'id',
    fields: Object.keys(product('x')),
    documents: docs(products),
  });
  return state;
}

const byId = (state: PipelineState) =>
  Object.fromEntries(runChecks(spec, state).map((check) => [check.id, check]));

describe('verify checks', () => {
  it('pass a healthy pipeline (system properties and Search Dates do not count as differences)', () => {
    const checks = byId(healthy());
    for (const check of Object.values(checks)) expect(check.passed, `${check.id}: ${check.hint}`).toBe(true);
    expect(checks['kafka-to-cosmos']!.expected).toBe(5);
  });

  it('cosmos-to-kafka: a document updated in Cosmos whose update never reached the topic', () => {
    const state = healthy();
    state.containers.get('retail/users')!.documents.set('u2', { ...user('u2', 'Porto') });
    const check = byId(state)['cosmos-to-kafka']!;
    expect(check.passed).toBe(false);
    expect(check.mismatched).toEqual([{ id: 'users:u2', fields: ['city'] }]);
    expect(check.hint).toMatch(/older versions/);
  });

  it('cosmos-to-kafka: a source that does not read the products container', () => {
    const state = healthy();
    state.topics.set('products', topic('products', []));
    const source = state.connectors!.find((connector) => connector.name === 'cosmos-source')!;
    source.config = {
      ...source.config,
      'azure.cosmos.source.containers.topicMap': 'users#users',
      'azure.cosmos.source.containers.includedList': 'users',
    };
    const check = byId(state)['cosmos-to-kafka']!;
    expect(check.passed).toBe(false);
    expect(check.missing).toEqual(['products:p1']);
    expect(check.hint).toContain('No source connector reads retail/products');
  });

  it('kafka-to-cosmos: a topic missing from the sink topic map', () => {
    const state = healthy();
    const sink = state.connectors!.find((connector) => connector.name === 'cosmos-sink')!;
    sink.config = {
      ...sink.config,
      'azure.cosmos.sink.containers.topicMap': sink.config['azure.cosmos.sink.containers.topicMap']!.replace(
        'purchases#purchases,',
        '',
      ),
    };
    state.containers.get('retail-sink/purchases')!.documents.clear();
    const check = byId(state)['kafka-to-cosmos']!;
    expect(check.passed).toBe(false);
    expect(check.missingCount).toBe(2);
    expect(check.hint).toContain('Topic purchases is not in cosmos-sink');
  });

  it('kafka-to-cosmos: a document deleted after the sync', () => {
    const state = healthy();
    state.containers.get('retail-sink/purchases')!.documents.delete('o2');
    const check = byId(state)['kafka-to-cosmos']!;
    expect(check.passed).toBe(false);
    expect(check.missing).toEqual(['purchases:o2']);
    expect(check.hint).toMatch(/1 of 2 records of purchases are not in purchases/);
  });

  it('kafka-to-cosmos: a wrong id strategy stores every record under another id', () => {
    const state = healthy();
    const sink = state.connectors!.find((connector) => connector.name === 'cosmos-sink')!;
    sink.config = { ...sink.config, 'azure.cosmos.sink.id.strategy': 'KafkaMetadataStrategy' };
    const documents = state.containers.get('retail-sink/purchases')!.documents;
    documents.clear();
    documents.set('purchases-0-0', purchase('purchases-0-0'));
    documents.set('purchases-0-1', purchase('purchases-0-1'));
    const check = byId(state)['kafka-to-cosmos']!;
    expect(check.passed).toBe(false);
    expect(check.extra).toEqual(['purchases:purchases-0-0', 'purchases:purchases-0-1']);
    expect(check.hint).toContain('azure.cosmos.sink.id.strategy (KafkaMetadataStrategy)');
  });

  it('kafka-to-cosmos and cosmos-to-kafka: a sink writing into the source database', () => {
    const state = healthy();
    const sink = state.connectors!.find((connector) => connector.name === 'cosmos-sink')!;
    sink.config = { ...sink.config, 'azure.cosmos.sink.database.name': 'retail' };
    for (const flow of spec.flows.kafkaToCosmos)
      state.containers.get(containerKey(flow.database, flow.container))!.documents.clear();
    state.topics.get('users')!.versions.set('u1', 400);
    const checks = byId(state);
    expect(checks['kafka-to-cosmos']!.passed).toBe(false);
    expect(checks['kafka-to-cosmos']!.hint).toContain('the source database');
    expect(checks['cosmos-to-kafka']!.passed).toBe(false);
    expect(checks['cosmos-to-kafka']!.hint).toContain('feedback loop');
    expect(checks['connectors-healthy']!.passed).toBe(false);
    expect(checks['connectors-healthy']!.hint).toContain(
      'cosmos-sink writes into retail, the database the source reads',
    );
  });

  it('cosmos-to-search: documents rejected because of Cosmos system properties', () => {
    const state = healthy();
    state.indexes.get('users')!.documents.clear();
    const check = byId(state)['cosmos-to-search']!;
    expect(check.passed).toBe(false);
    expect(check.missingCount).toBe(2);
    expect(check.hint).toContain('ReplaceField$Value');
  });

  it('connectors-healthy: a stopped connector, a failed task and dead-lettered records', () => {
    const state = healthy();
    state.connectors![2]!.state = 'STOPPED';
    state.connectors![2]!.tasks = [];
    state.connectors![1]!.tasks = [
      { id: 0, state: 'FAILED', trace: 'org.apache.kafka.connect.errors.ConnectException: boom\n\tat x' },
    ];
    state.deadLetters.set('dlq-cosmos-sink', 3);
    state.deadLetterSamples.set('dlq-cosmos-sink', [
      'purchases@7 (VALUE_CONVERTER): Converting byte[] to Kafka Connect data failed',
    ]);
    const check = byId(state)['connectors-healthy']!;
    expect(check.passed).toBe(false);
    expect(check.missing).toEqual([
      `${state.connectors![1]!.name}-0`,
      state.connectors![2]!.name,
      'dlq-cosmos-sink (3 dead-lettered)',
    ]);
    expect(check.hint).toContain('STOPPED');
    expect(check.hint).toContain('3 record(s) went to dead-letter topic dlq-cosmos-sink');
    expect(check.details).toContain('dead-letter topic dlq-cosmos-sink: 3 record(s)');
    expect(check.details).toContain(
      '  purchases@7 (VALUE_CONVERTER): Converting byte[] to Kafka Connect data failed',
    );
  });

  it('connectors-healthy: a missing connector role and an unreachable worker', () => {
    const state = healthy();
    state.connectors = state.connectors!.filter((connector) => connector.name !== 'search-sink');
    expect(byId(state)['connectors-healthy']!.hint).toContain('No search-sink connector is deployed');
    state.connectors = undefined;
    state.connectError = 'Kafka Connect at http://x did not answer';
    const check = byId(state)['connectors-healthy']!;
    expect(check.passed).toBe(false);
    expect(check.hint).toBe('Blocked by service:connect: Kafka Connect at http://x did not answer');
    expect(check.blockedBy).toBe('service:connect');
  });
});

describe('reporters', () => {
  const report: VerifyReport = {
    challenge: '03',
    passed: false,
    durationMs: 1234,
    checks: runChecks(
      spec,
      (() => {
        const state = healthy();
        state.containers.get('retail-sink/purchases')!.documents.delete('o<2>');
        state.containers.get('retail-sink/purchases')!.documents.delete('o1');
        return state;
      })(),
    ),
  };

  it('JUnit: one test case per check, the failing one with its details, XML-escaped', () => {
    const xml = renderJunit(report);
    expect(xml.match(/<testcase /g)).toHaveLength(11);
    expect(xml).toContain('tests="11" failures="1"');
    expect(xml).toContain('<failure message="1 of 2 records of purchases are not in purchases');
    expect(xml).toContain('missing (1): purchases:o1');
  });

  it('Markdown and console: a table and the cause of each failure', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## Challenge 03: ❌ failed');
    expect(markdown).toContain('| ❌ | kafka-to-cosmos | 4/5 | 1 | 0 | 0 |');
    expect(markdown).toContain('`purchases:o1`');
    const console = stripAnsi(renderScoreboard(report));
    expect(console).toMatch(/✘ +kafka-to-cosmos +4\/5 +1 +0 +0/);
    expect(console).toContain('missing (1): purchases:o1');
    expect(console).toContain('10 of 11 checks passed.');
    expect(console.split('\n')[0]).toBe(
      '✘ Challenge 03 failed — kafka-to-cosmos: 1 of 2 records of purchases are not in purchases: the sink is behind or rejected them (see the dead-letter topic and task status).',
    );
  });
});

describe('console scoreboard', () => {
  it('shows ten detail lines of a failing check and counts the rest; the JSON report keeps every one', () => {
    const checks = runChecks(spec, healthy());
    const failing = {
      ...checks[0]!,
      passed: false,
      details: Array.from({ length: 25 }, (_, i) => `event ${i} wrong`),
    };
    const report: VerifyReport = {
      challenge: '03',
      passed: false,
      durationMs: 1,
      checks: [failing, ...checks.slice(1)],
    };
    const console = stripAnsi(renderScoreboard(report));
    expect(console).toContain('event 9 wrong');
    expect(console).not.toContain('event 10 wrong');
    expect(console).toContain('… and 15 more (all of them: --report json)');
    expect(renderJson(report)).toContain('event 24 wrong');
  });
});

describe('a service that does not answer', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8083'), { code: 'ECONNREFUSED' });
  const kafka = { bootstrapServers: '127.0.0.1:9092' };

  it("on the local stack: how to start it again; in a team's env file (even one named stack…): no such advice", () => {
    const local = serviceProblem(
      'Kafka Connect',
      'http://127.0.0.1:8083',
      refused,
      { source: stackSource, kafka },
      'CONNECT_URL',
      'connect',
    );
    expect(local).toBe(
      'Kafka Connect at http://127.0.0.1:8083 does not answer: connect ECONNREFUSED 127.0.0.1:8083. Start it: `npx hack up connect` (`npx hack status` shows what runs, `npx hack logs connect` why it stopped).',
    );
    const team = serviceProblem(
      'Kafka Connect',
      'http://10.0.0.5:8083',
      refused,
      { source: 'stack-team1.env', kafka },
      'CONNECT_URL',
      'connect',
    );
    expect(team).toBe(
      'Kafka Connect at http://10.0.0.5:8083 does not answer: connect ECONNREFUSED 127.0.0.1:8083.',
    );
  });
});

describe('verdicts in dependency order', () => {
  const trace = [
    'org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSourceTask due to unrecoverable exception.',
    '\tat poll (source-task.ts:1)',
    'Caused by: com.azure.cosmos.CosmosException: The input authorization token can not serve the request.',
  ].join('\n');

  it('a FAILED source task: the innermost cause and its key first; search and the connector summary are blocked', () => {
    const state = healthy();
    const source = state.connectors!.find((connector) => connector.name === 'cosmos-source')!;
    source.tasks = [{ id: 0, state: 'FAILED', trace }];
    state.topics.set('users', topic('users', []));
    state.indexes.get('users')!.documents.clear();
    const checks = runChecks(spec, state);
    const failedNode = checks.find((check) => check.id === 'connector:cosmos-source')!;
    expect(failedNode.passed).toBe(false);
    expect(failedNode.final).toBe(true);
    expect(failedNode.hint).toBe(
      'Task 0 of cosmos-source FAILED: The input authorization token can not serve the request (azure.cosmos.account.key). Fix azure.cosmos.account.key in the connector config and apply it again (`npx hack connectors apply <file>`).',
    );
    const search = checks.find((check) => check.id === 'cosmos-to-search')!;
    expect(search.passed).toBe(false);
    expect(search.blockedBy).toBe('connector:cosmos-source');
    expect(search.hint).toMatch(/^Blocked by connector:cosmos-source: Task 0 of cosmos-source FAILED/);
    expect(checks.find((check) => check.id === 'cosmos-to-kafka')!.blockedBy).toBe('connector:cosmos-source');
    const line = stripAnsi(
      renderScoreboard({ challenge: '03', passed: false, durationMs: 1, checks }).split('\n')[0]!,
    );
    expect(line).toMatch(
      /^✘ Challenge 03 failed — connector:cosmos-source: Task 0 of cosmos-source FAILED: The input/,
    );
    expect(line).not.toContain('..');
  });

  it('an unreachable worker: every connector and connector-fed check is blocked by service:connect', () => {
    const state = healthy();
    state.connectors = undefined;
    state.connectError = 'Kafka Connect at http://127.0.0.1:1 did not answer: connect ECONNREFUSED';
    state.containers.get('retail-sink/purchases')!.documents.delete('o1');
    const checks = runChecks(spec, state);
    expect(checks.find((check) => check.id === 'service:connect')!.final).toBe(true);
    for (const id of ['connector:cosmos-sink', 'kafka-to-cosmos', 'connectors-healthy'])
      expect(checks.find((check) => check.id === id)!.blockedBy, id).toBe('service:connect');
  });

  it('a stopped connector is final; one still starting is not', () => {
    const state = healthy();
    state.connectors!.find((connector) => connector.name === 'search-sink')!.state = 'STOPPED';
    expect(runChecks(spec, state).find((check) => check.id === 'connector:search-sink')!.final).toBe(true);
    const starting = healthy();
    starting.connectors!.find((connector) => connector.name === 'search-sink')!.tasks = [];
    const node = runChecks(spec, starting).find((check) => check.id === 'connector:search-sink')!;
    expect(node.passed).toBe(false);
    expect(node.final).toBeUndefined();
  });
});

describe('report rough edges', () => {
  it('a dead-letter-only failure counts the dead-letter topic as what is missing', () => {
    const state = healthy();
    state.deadLetters.set('dlq-cosmos-sink', 6);
    state.deadLetterSamples.set('dlq-cosmos-sink', ['users@14 (VALUE_CONVERTER): Converting byte[] failed']);
    const checks = runChecks(spec, state);
    const check = checks.find((item) => item.id === 'connectors-healthy')!;
    expect(check.passed).toBe(false);
    expect(check.found).toBeLessThan(check.expected);
    expect(check.missing).toEqual(['dlq-cosmos-sink (6 dead-lettered)']);
    const markdown = renderMarkdown({ challenge: '03', passed: false, durationMs: 1000, checks });
    expect(markdown).toContain('  - users@14 (VALUE_CONVERTER): Converting byte[] failed');
    expect(markdown).not.toMatch(/^- +users@14/m);
  });

  it('JUnit gives each test case its own time', () => {
    const checks = runChecks(spec, healthy()).map((check, index) => ({ ...check, durationMs: 1000 * index }));
    const xml = renderJunit({ challenge: '03', passed: true, durationMs: 60_000, checks });
    expect(xml).toContain('name="service:kafka: Kafka answers" time="0.000"');
    expect(xml).toContain('time="3.000"');
    expect(xml).not.toMatch(/<testcase [^>]*time="60.000"/);
  });
});

describe('a sink task that does not consume one topic', () => {
  it('names the topic it skips and the restart, not a guess about transforms', () => {
    const state = healthy();
    state.containers.get('retail-sink/purchases')!.documents.clear();
    const check = runChecks(spec, state).find((item) => item.id === 'kafka-to-cosmos')!;
    expect(check.passed).toBe(false);
    expect(check.hint).toContain(
      "Nothing of topic purchases reached purchases, while the sink's other topics arrive: its task does not consume purchases — `npx hack connectors restart cosmos-sink --include-tasks`",
    );
  });
});

describe('a FAILED task in the connectors summary', () => {
  it('shows the innermost cause once, without the wrapper and without a double period', () => {
    const state = healthy();
    state.connectors![0]!.tasks = [
      {
        id: 0,
        state: 'FAILED',
        trace:
          'org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.\n\tat put\nCaused by: java.net.UnknownHostException: getaddrinfo ENOTFOUND cosmos.invalid',
      },
    ];
    const hint = runChecks(spec, state).find((item) => item.id === 'connectors-healthy')!.hint!;
    expect(hint).toContain(
      `Task 0 of ${state.connectors![0]!.name} FAILED: getaddrinfo ENOTFOUND cosmos.invalid`,
    );
    expect(hint).not.toContain('unrecoverable exception');
    expect(hint).not.toContain('..');
  });
});
