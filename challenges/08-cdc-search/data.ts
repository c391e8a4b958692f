import type { Faker } from '@faker-js/faker';
import { seededFaker } from '../../generators/random.ts';

/**
 * Konnect-shaped change events, generated (seeded) in the shape of the public sample: one JSON object a line,
 * `before` null, `after: {key, value: {type, object}}`, `op` c/u/d, `ts_ms`; keys `c/<control-plane>/o/<type>/<id>`.
 * Mostly node updates (heartbeats, config hashes), some renames of services and routes (so the latest name is the
 * one to find), a few deletes (`after: {key, value: null}`: the export keeps the key and drops the value), and a
 * few late replays of older updates at the end (a lagging exporter) that must not win.
 */
export interface ChangeEvent {
  before: null;
  after: { key: string; value: { type: string; object: Record<string, unknown> } | null };
  op: 'c' | 'u' | 'd';
  ts_ms: number;
}

const DOMAINS = [
  'payments',
  'checkout',
  'inventory',
  'loyalty',
  'shipping',
  'billing',
  'catalog',
  'recommendations',
  'notifications',
  'identity',
  'fraud-detection',
  'pricing',
  'returns',
  'warehouse',
  'analytics',
  'subscriptions',
];
const SUFFIXES = ['api', 'gateway', 'service', 'sync', 'worker', 'proxy', 'backend'];
const VERBS = ['read', 'write', 'search', 'admin', 'webhook', 'public'];
const START_MS = Date.parse('2026-11-02T08:00:00.000Z');

const uuid = (faker: Faker): string => faker.string.uuid();

interface Entity {
  key: string;
  type: string;
  object: Record<string, unknown>;
  /** The field fuzzy search finds it by. */
  nameField?: string;
}

export interface CdcDataset {
  events: ChangeEvent[];
  /** How many of the events come first (before the connectors run); the rest is appended live. */
  firstHalf: number;
}

/** The seeded event stream: `controlPlanes` control planes, their entities, updates, deletes and late replays. */
export function generateCdcEvents(seed: number, controlPlanes = 8): CdcDataset {
  const faker = seededFaker(seed, 8);
  const names = faker.helpers.shuffle(
    DOMAINS.flatMap((domain) => SUFFIXES.map((suffix) => `${domain}-${suffix}`)),
  );
  let clock = START_MS;
  const tick = (): number => (clock += faker.number.int({ min: 200, max: 4000 }));
  const seconds = (ms: number): number => Math.floor(ms / 1000);
  const entities: Entity[] = [];
  const events: ChangeEvent[] = [];
  const emit = (entity: Entity, op: 'c' | 'u' | 'd'): void => {
    const ts = tick();
    if (op !== 'd') entity.object = { ...entity.object, updated_at: seconds(ts) };
    events.push({
      before: null,
      after: {
        key: entity.key,
        value: op === 'd' ? null : { type: entity.type, object: structuredClone(entity.object) },
      },
      op,
      ts_ms: ts,
    });
  };
  const create = (cp: string, type: string, object: Record<string, unknown>, nameField?: string): Entity => {
    const id = uuid(faker);
    const created = seconds(clock);
    const entity: Entity = {
      key: `c/${cp}/o/${type}/${id}`,
      type,
      object: { id, ...object, created_at: created },
      ...(nameField ? { nameField } : {}),
    };
    entities.push(entity);
    emit(entity, 'c');
    return entity;
  };

  for (let c = 0; c < controlPlanes; c++) {
    const cp = uuid(faker);
    const region = faker.helpers.arrayElement(['eu-west', 'us-east', 'ap-south', 'eu-central', 'us-west']);
    const services = Array.from({ length: faker.number.int({ min: 2, max: 3 }) }, () => {
      const name = names.pop()!;
      return create(
        cp,
        'service',
        {
          name,
          host: `${name}.${region}.internal`,
          path: `/${name.split('-')[0]}`,
          port: faker.helpers.arrayElement([80, 443, 8080, 8443]),
          protocol: faker.helpers.arrayElement(['http', 'https', 'grpc']),
          retries: faker.number.int({ min: 0, max: 5 }),
          enabled: true,
          tags: [region, faker.helpers.arrayElement(['team-core', 'team-growth', 'team-platform'])],
          connect_timeout: 60000,
        },
        'name',
      );
    });
    for (const service of services) {
      for (const verb of faker.helpers.arrayElements(VERBS, { min: 1, max: 2 })) {
        const name = `${String(service.object.name)}-${verb}`;
        create(
          cp,
          'route',
          {
            name,
            paths: [`/${String(service.object.name)}/${verb}`],
            service: { id: service.object.id },
            protocols: ['http', 'https'],
            strip_path: faker.datatype.boolean(),
            preserve_host: false,
          },
          'name',
        );
      }
    }
    const city = faker.location
      .city()
      .toLowerCase()
      .replace(/[^a-z]+/g, '-');
    for (let n = 0; n < faker.number.int({ min: 2, max: 4 }); n++) {
      create(
        cp,
        'node',
        {
          type: 'kong-proxy',
          hostname: `kong-dp-${city}-${n + 1}`,
          version: faker.helpers.arrayElement(['3.9.1.0', '3.10.0.2', '3.11.0.0']),
          last_ping: seconds(clock),
          config_hash: faker.string.hexadecimal({ length: 32, casing: 'lower', prefix: '' }),
          labels: { region, deployment: faker.helpers.arrayElement(['k8s', 'vm']) },
        },
        'hostname',
      );
    }
    for (let n = 0; n < faker.number.int({ min: 1, max: 3 }); n++) {
      create(
        cp,
        'consumer',
        {
          username: `${faker.person.firstName()}.${faker.person.lastName()}`
            .toLowerCase()
            .replace(/[^a-z.]/g, ''),
          custom_id: faker.string.alphanumeric(10),
          tags: [
            faker.company
              .name()
              .toLowerCase()
              .replace(/[^a-z]+/g, '-'),
          ],
        },
        'username',
      );
    }
    const upstream = create(
      cp,
      'upstream',
      {
        name: `${String(services[0]!.object.name)}-upstream`,
        algorithm: faker.helpers.arrayElement(['round-robin', 'consistent-hashing', 'least-connections']),
        slots: 10000,
      },
      'name',
    );
    create(cp, 'target', {
      target: `10.${c}.0.${faker.number.int({ min: 2, max: 250 })}:8000`,
      weight: 100,
      upstream: { id: upstream.object.id },
    });
    create(cp, 'plugin', {
      name: faker.helpers.arrayElement(['rate-limiting', 'key-auth', 'cors', 'prometheus']),
      enabled: true,
      protocols: ['http', 'https'],
      service: { id: services[0]!.object.id },
    });
  }

  const firstHalf = events.length;
  const nodes = entities.filter((entity) => entity.type === 'node');
  const renamable = entities.filter((entity) => entity.type === 'service' || entity.type === 'route');
  const updates: ChangeEvent[] = [];
  for (let n = 0; n < entities.length * 4; n++) {
    if (faker.number.int({ min: 0, max: 9 }) < 8) {
      const node = faker.helpers.arrayElement(nodes);
      node.object = {
        ...node.object,
        last_ping: seconds(clock),
        config_hash: faker.string.hexadecimal({ length: 32, casing: 'lower', prefix: '' }),
      };
      emit(node, 'u');
    } else {
      const entity = faker.helpers.arrayElement(renamable);
      const name = String(entity.object.name);
      entity.object = {
        ...entity.object,
        name: name.endsWith('-v2') ? name.replace(/-v2$/, '-v3') : `${name}-v2`,
      };
      emit(entity, 'u');
    }
    updates.push(events[events.length - 1]!);
  }
  const deleted = faker.helpers.arrayElements(
    entities.filter((entity) => entity.type !== 'node'),
    Math.max(2, Math.round(entities.length * 0.08)),
  );
  for (const entity of deleted) emit(entity, 'd');
  // Late replays: older updates of live entities, repeated after everything else.
  const gone = new Set(deleted.map((entity) => entity.key));
  const replayable = updates.filter((event) => !gone.has(event.after.key));
  for (const event of faker.helpers.arrayElements(replayable, Math.min(15, replayable.length)))
    events.push(structuredClone(event));
  return { events, firstHalf };
}

/** The expected index: each key's event with the greatest `ts_ms` (file order breaks ties), deletes included. */
export function latestByKey(events: Iterable<ChangeEvent>): Map<string, ChangeEvent> {
  const latest = new Map<string, ChangeEvent>();
  for (const event of events) {
    const key = event.after?.key;
    if (typeof key !== 'string') continue;
    const current = latest.get(key);
    if (!current || event.ts_ms >= current.ts_ms) latest.set(key, event);
  }
  return latest;
}

/** The field an entity is found by in fuzzy search, per type. */
export const NAME_FIELDS: Record<string, string> = {
  service: 'name',
  route: 'name',
  upstream: 'name',
  node: 'hostname',
  consumer: 'username',
};

/**
 * A realistic typo of a name: two neighbouring letters swapped in its longest word (one edit for OpenSearch's
 * `fuzziness: AUTO`, which counts a transposition as one), so a fuzzy query must still find the entity.
 */
export function misspell(name: string): string {
  const words = name.split(/([^a-z0-9]+)/i);
  let longest = 0;
  for (let i = 0; i < words.length; i += 2)
    if ((words[i]?.length ?? 0) > (words[longest]?.length ?? 0)) longest = i;
  const word = words[longest] ?? '';
  if (word.length < 4) return name;
  const at = word[1] !== word[2] ? 1 : 2;
  words[longest] = word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
  return words.join('');
}
