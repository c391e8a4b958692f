import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AvroDeserializer,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  RestError,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../testing/helpers.ts';
import { startSchemaRegistry, type SchemaRegistry } from './registry.ts';

/** The registry through Confluent's official client and serdes (@confluentinc/schemaregistry), never raw HTTP. */

const purchaseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    productId: { type: 'string' },
    quantity: { type: 'integer', minimum: 1 },
  },
  required: ['id', 'productId', 'quantity'],
};

const ratingAvro = {
  type: 'record',
  name: 'ProductRating',
  namespace: 'retail',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'productId', type: 'string' },
    { name: 'rating', type: 'int' },
  ],
};

let dataDir: string;
let registry: SchemaRegistry;
let client: SchemaRegistryClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'schema-registry-'));
  registry = await startSchemaRegistry({ dataDir, port: 0 });
  client = new SchemaRegistryClient({ baseURLs: [registry.url], maxRetries: 0 });
});

afterAll(async () => {
  await registry?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function restError(promise: Promise<unknown>): Promise<RestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RestError);
  return error as RestError;
}

describe('Schema Registry through @confluentinc/schemaregistry', () => {
  it('registers, fetches by id and by version, and gives the same schema the same id under any subject', async () => {
    const subject = uniqueName('purchases-value');
    const info = { schemaType: 'JSON', schema: JSON.stringify(purchaseSchema) };
    const id = await client.register(subject, info);
    const other = uniqueName('returns-value');
    expect(
      await client.register(other, { schemaType: 'JSON', schema: JSON.stringify(purchaseSchema, null, 2) }),
    ).toBe(id);

    const byId = await client.getBySubjectAndId(subject, id);
    expect(byId.schemaType).toBe('JSON');
    expect(JSON.parse(byId.schema)).toEqual(purchaseSchema);
    const latest = await client.getLatestSchemaMetadata(subject);
    expect(latest).toMatchObject({ id, version: 1, subject });
    expect(await client.getAllVersions(subject)).toEqual([1]);
    expect(await client.getAllSubjects()).toEqual(expect.arrayContaining([subject, other]));
    expect(await client.getId(subject, info)).toBe(id);
    expect(await client.getVersion(subject, info)).toBe(1);

    const missing = await restError(client.getBySubjectAndId(subject, 999_999));
    expect([missing.status, missing.errorCode]).toEqual([404, 40403]);
    const noSubject = await restError(client.getLatestSchemaMetadata(uniqueName('nothing')));
    expect([noSubject.status, noSubject.errorCode]).toEqual([404, 40401]);
  });

  it('refuses an incompatible JSON Schema with 409 and says why; accepts it under NONE', async () => {
    const subject = uniqueName('purchases-value');
    await client.register(subject, { schemaType: 'JSON', schema: JSON.stringify(purchaseSchema) });
    expect(await client.getDefaultCompatibility()).toBe('BACKWARD');
    const narrowed = {
      ...purchaseSchema,
      properties: { ...purchaseSchema.properties, quantity: { type: 'string' } },
    };
    const candidate = { schemaType: 'JSON', schema: JSON.stringify(narrowed) };
    expect(await client.testSubjectCompatibility(subject, candidate)).toBe(false);
    const refused = await restError(client.register(subject, candidate));
    expect([refused.status, refused.errorCode]).toEqual([409, 409]);
    expect(refused.message).toContain('TYPE_CHANGED');
    expect(refused.message).toContain('#/properties/quantity');

    await client.updateCompatibility(subject, 'NONE' as never);
    expect(await client.getCompatibility(subject)).toBe('NONE');
    const id = await client.register(subject, candidate);
    expect((await client.getLatestSchemaMetadata(subject)).id).toBe(id);
    expect(await client.getAllVersions(subject)).toEqual([1, 2]);
  });

  it('checks Avro by its resolution rules: a new field needs a default under BACKWARD', async () => {
    const subject = uniqueName('product-ratings-value');
    await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(ratingAvro) });
    const withField = (field: Record<string, unknown>) => ({
      schemaType: 'AVRO',
      schema: JSON.stringify({ ...ratingAvro, fields: [...ratingAvro.fields, field] }),
    });
    const refused = await restError(client.register(subject, withField({ name: 'comment', type: 'string' })));
    expect(refused.errorCode).toBe(409);
    expect(refused.message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
    expect(refused.message).toContain("'comment'");
    await client.register(subject, withField({ name: 'comment', type: ['null', 'string'], default: null }));
    expect(await client.getAllVersions(subject)).toEqual([1, 2]);

    const invalid = await restError(
      client.register(subject, { schemaType: 'AVRO', schema: '{"type":"record"}' }),
    );
    expect([invalid.status, invalid.errorCode]).toEqual([422, 42201]);
    const protobuf = await restError(
      client.register(subject, { schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; message A {}' }),
    );
    expect(protobuf.errorCode).toBe(42201);
    expect(protobuf.message).toContain('PROTOBUF');
  });

  it('soft-deletes, then permanently deletes a subject, with Confluent\u2019s error codes in between', async () => {
    const subject = uniqueName('users-value');
    const info = { schemaType: 'JSON', schema: JSON.stringify({ type: 'object' }) };
    const id = await client.register(subject, info);
    const permanentFirst = await restError(client.deleteSubject(subject, true));
    expect(permanentFirst.errorCode).toBe(40405);
    expect(await client.deleteSubject(subject)).toEqual([1]);
    expect(await client.getAllSubjects()).not.toContain(subject);
    const again = await restError(client.deleteSubject(subject));
    expect(again.errorCode).toBe(40404);
    expect(await client.deleteSubject(subject, true)).toEqual([1]);
    const gone = await restError(client.getAllVersions(subject));
    expect(gone.errorCode).toBe(40401);
    expect(await client.register(subject, info)).toBe(id); // same schema, same id, also after a delete
  });

  it('round-trips records through the JSON Schema serdes, validating against the registered schema', async () => {
    const topic = uniqueName('purchases');
    await client.register(`${topic}-value`, { schemaType: 'JSON', schema: JSON.stringify(purchaseSchema) });
    const serializer = new JsonSerializer(client, SerdeType.VALUE, {
      useLatestVersion: true,
      validate: true,
    });
    const deserializer = new JsonDeserializer(client, SerdeType.VALUE, { validate: true });
    const record = { id: 'p-1', productId: 'prod-1', quantity: 3 };
    const bytes = await serializer.serialize(topic, record);
    expect(bytes[0]).toBe(0); // Confluent's wire format: magic byte, then the schema id
    const id = bytes.readInt32BE(1);
    expect(id).toBe((await client.getLatestSchemaMetadata(`${topic}-value`)).id);
    expect(await deserializer.deserialize(topic, bytes)).toEqual(record);
    await expect(serializer.serialize(topic, { ...record, quantity: 0 })).rejects.toThrow(/minimum|>= 1/);
  });

  it('round-trips records through the Avro serdes, registering the schema on first use', async () => {
    const topic = uniqueName('product-ratings');
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
    const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
    const rating = { id: 'r-1', productId: 'prod-7', rating: 5 };
    const bytes = await serializer.serialize(topic, rating);
    expect(await client.getAllVersions(`${topic}-value`)).toEqual([1]);
    expect(await deserializer.deserialize(topic, bytes)).toEqual(rating);
  });

  it('demands the API key and secret when started with them, like Confluent Cloud', async () => {
    const securedDir = mkdtempSync(join(tmpdir(), 'schema-registry-auth-'));
    const secured = await startSchemaRegistry({
      dataDir: securedDir,
      port: 0,
      credentials: { apiKey: 'KEY123', apiSecret: 's3cr3t' },
    });
    try {
      const anonymous = new SchemaRegistryClient({ baseURLs: [secured.url], maxRetries: 0 });
      const refused = await restError(anonymous.getAllSubjects());
      expect([refused.status, refused.errorCode]).toEqual([401, 401]);
      const authorized = new SchemaRegistryClient({
        baseURLs: [secured.url],
        maxRetries: 0,
        basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: 'KEY123:s3cr3t' },
      });
      expect(await authorized.getAllSubjects()).toEqual([]);
    } finally {
      await secured.close();
      rmSync(securedDir, { recursive: true, force: true });
    }
  });
});
