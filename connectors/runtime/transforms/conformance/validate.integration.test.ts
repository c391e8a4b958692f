import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBootstrapServers, uniqueName } from '../../../../infra/testing/helpers.ts';
import { startApacheWorker, type ApacheWorker } from '../../testing/apache-worker.ts';
import type { ConfigKey } from '../../api/config.ts';
import { validateTransformConfig } from '../chain.ts';
import { predicatePlugins, transformPlugins } from '../plugins.ts';

/**
 * Validate parity: a real Apache Kafka Connect 4.1.2 worker's `PUT /connector-plugins/{c}/config/validate`
 * answers for the `transforms.*` / `predicates.*` keys of each config below, and our `validateTransformConfig`
 * must report the same error messages on the same keys.
 */
const T = 'org.apache.kafka.connect.transforms.';
const base = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  topics: 't',
  file: '/tmp/x',
};

const configs: Array<[string, Record<string, string>]> = [
  ['unknown class', { transforms: 'a', 'transforms.a.type': 'com.example.Nope' }],
  ['missing type', { transforms: 'a' }],
  ['missing required key', { transforms: 'c', 'transforms.c.type': `${T}Cast$Value` }],
  [
    'negate without predicate',
    { transforms: 'f', 'transforms.f.type': `${T}Filter`, 'transforms.f.negate': 'true' },
  ],
  ['duplicate aliases', { transforms: 'a,a', 'transforms.a.type': `${T}Filter` }],
  ['empty list', { transforms: 'v', 'transforms.v.type': `${T}ValueToKey`, 'transforms.v.fields': '' }],
  [
    'bad enum',
    {
      transforms: 't',
      'transforms.t.type': `${T}TimestampConverter$Value`,
      'transforms.t.target.type': 'timestamp',
    },
  ],
  [
    'bad boolean',
    {
      transforms: 'm',
      'transforms.m.type': `${T}MaskField$Value`,
      'transforms.m.fields': 'a',
      'transforms.m.replace.null.with.default': 'maybe',
    },
  ],
  [
    'bad cast spec',
    { transforms: 'c', 'transforms.c.type': `${T}Cast$Value`, 'transforms.c.spec': 'a:bytes' },
  ],
  [
    'bad rename',
    { transforms: 'r', 'transforms.r.type': `${T}ReplaceField$Value`, 'transforms.r.renames': 'a:b:c' },
  ],
  [
    'bad regex',
    {
      transforms: 'r',
      'transforms.r.type': `${T}RegexRouter`,
      'transforms.r.regex': 'orders',
      'transforms.r.replacement': 'x',
      'transforms.r.negate': 'false',
      'transforms.r.predicate': 'p',
      predicates: 'p',
      'predicates.p.type': `${T}predicates.HasHeaderKey`,
      'predicates.p.name': '',
    },
  ],
  [
    'missing values for validators',
    {
      transforms: 'a,b,c,d,e',
      'transforms.a.type': `${T}ValueToKey`,
      'transforms.b.type': `${T}HeaderFrom$Value`,
      'transforms.c.type': `${T}InsertHeader`,
      'transforms.d.type': `${T}RegexRouter`,
      'transforms.e.type': `${T}ExtractField$Value`,
      'transforms.e.field.syntax.version': 'v3',
    },
  ],
  [
    'unparsable values',
    {
      transforms: 's,t',
      'transforms.s.type': `${T}SetSchemaMetadata$Value`,
      'transforms.s.schema.version': 'two',
      'transforms.t.type': `${T}TimestampRouter`,
      'transforms.t.topic.format': '  x  ',
    },
  ],
  [
    'predicate keys',
    {
      predicates: 'a,b,c',
      'predicates.a.type': `${T}predicates.TopicNameMatches`,
      'predicates.b.type': `${T}predicates.TopicNameMatches`,
      'predicates.b.pattern': '[',
      'predicates.c.type': `${T}predicates.RecordIsTombstone`,
    },
  ],
  [
    'regex syntax errors',
    {
      predicates: 'a,b,c,d',
      'predicates.a.type': `${T}predicates.TopicNameMatches`,
      'predicates.a.pattern': '(',
      'predicates.b.type': `${T}predicates.TopicNameMatches`,
      'predicates.b.pattern': '*a',
      'predicates.c.type': `${T}predicates.TopicNameMatches`,
      'predicates.c.pattern': 'a)',
      'predicates.d.type': `${T}predicates.TopicNameMatches`,
      'predicates.d.pattern': '(ab',
    },
  ],
  ['unknown predicate class', { predicates: 'p', 'predicates.p.type': 'com.example.NoPredicate' }],
  [
    'valid chain',
    {
      transforms: 'k,x',
      'transforms.k.type': `${T}ValueToKey`,
      'transforms.k.fields': 'id',
      'transforms.x.type': `${T}ExtractField$Key`,
      'transforms.x.field': 'id',
    },
  ],
];

interface ConfigInfos {
  configs: Array<{ definition: { name: string }; value: { name: string; errors: string[] } }>;
}

let worker: ApacheWorker;

beforeAll(async () => {
  worker = await startApacheWorker({
    bootstrapServers: testBootstrapServers(),
    name: uniqueName('smt-validate'),
  });
}, 180_000);

afterAll(async () => {
  await worker?.close();
});

/** Errors per transforms.* / predicates.* key, keys without errors left out. */
function apacheErrors(infos: ConfigInfos): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const { value } of infos.configs) {
    if (!/^(transforms|predicates)(\.|$)/.test(value.name) || value.errors.length === 0) continue;
    result[value.name] = value.errors;
  }
  return result;
}

function ourErrors(props: Record<string, string>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [key, errors] of Object.entries(validateTransformConfig(props).errors)) {
    if (errors.length > 0) result[key] = errors;
  }
  return result;
}

describe('transform validate parity with Apache Kafka Connect', () => {
  it.each(configs)('%s', async (_name, props) => {
    const response = await fetch(`${worker.url}/connector-plugins/FileStreamSinkConnector/config/validate`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...base, ...props }),
    });
    expect(response.status).toBe(200);
    const apache = apacheErrors((await response.json()) as ConfigInfos);
    expect(ourErrors(props)).toEqual(apache);
  });
});

/** What `GET /connector-plugins/{class}/config` shows of a key, from our spec, as Apache renders ConfigKeyInfo. */
function keyInfo(key: ConfigKey): Record<string, unknown> {
  const fallback = key.default;
  return {
    name: key.name,
    type: key.type,
    required: !('default' in key) || key.default === undefined,
    default_value:
      fallback === undefined || fallback === null
        ? null
        : Array.isArray(fallback)
          ? fallback.join(',')
          : String(fallback),
    importance: key.importance,
    documentation: key.documentation,
  };
}

describe('transform and predicate config definitions match Apache’s', () => {
  const apachePlugins = [...transformPlugins, ...predicatePlugins].filter((plugin) =>
    plugin.className.startsWith('org.apache.kafka.'),
  );

  it.each(apachePlugins.map((plugin) => [plugin.className, plugin] as const))(
    '%s',
    async (className, plugin) => {
      const response = await fetch(`${worker.url}/connector-plugins/${encodeURIComponent(className)}/config`);
      expect(response.status).toBe(200);
      const apache = ((await response.json()) as Array<Record<string, unknown>>).map((info) => ({
        name: info.name,
        type: info.type,
        required: info.required,
        default_value: info.default_value,
        importance: info.importance,
        documentation: info.documentation,
      }));
      const ours = plugin.config().keys.map(keyInfo);
      const byName = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
        String(a.name).localeCompare(String(b.name));
      expect(ours.sort(byName)).toEqual(apache.filter((info) => info.name !== 'plugin.version').sort(byName));
    },
  );
});
