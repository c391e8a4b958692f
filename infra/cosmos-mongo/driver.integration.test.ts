import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoBulkWriteError, MongoServerError, ObjectId, type Db } from 'mongodb';
import { cosmosClient } from '../cosmos/client.ts';
import { uniqueName } from '../testing/helpers.ts';
import { mongoConnectionString } from './connection-string.ts';
import { startTestMongo, type TestMongo } from './test-support.ts';

let mongo: TestMongo;
let db: Db;

beforeAll(async () => {
  mongo = await startTestMongo();
  db = mongo.client.db(uniqueName('db'));
});
afterAll(() => mongo?.close());

describe('Cosmos DB for MongoDB emulator with the official mongodb driver', () => {
  it('connects over TLS with SCRAM-SHA-256 and announces MongoDB 6.0 (wire version 17)', async () => {
    const info = await db.admin().command({ buildInfo: 1 });
    expect(info.version).toBe('6.0.0');
    const hello = await db.admin().command({ hello: 1 });
    expect(hello).toMatchObject({ setName: 'globaldb', maxWireVersion: 17, isWritablePrimary: true });
    const status = await db.admin().command({ connectionStatus: 1 });
    expect(status.authInfo.authenticatedUsers).toEqual([{ user: 'localhost', db: 'admin' }]);
    expect(await db.admin().ping()).toMatchObject({ ok: 1 });
  });

  it('refuses a wrong key with AuthenticationFailed (18) and commands without authentication (13)', async () => {
    const wrong = mongoConnectionString('127.0.0.1', mongo.emulator.mongoPort!, 'bm90IHRoZSBrZXk=');
    await expect(mongo.connect(wrong)).rejects.toMatchObject({ code: 18 });
    const anonymous = await mongo.connect(
      `mongodb://127.0.0.1:${mongo.emulator.mongoPort}/?tls=true&directConnection=true`,
    );
    await expect(anonymous.db('x').collection('y').findOne()).rejects.toMatchObject({ code: 13 });
  });

  it('inserts, finds, updates ($set, $inc, $unset, replacement, upsert) and deletes', async () => {
    const items = db.collection(uniqueName('crud'));
    const { insertedIds } = await items.insertMany([
      { name: 'a', qty: 1, tags: ['x', 'y'] },
      { name: 'b', qty: 5 },
      { _id: 'fixed' as never, name: 'c', qty: 9, note: 'n' },
    ]);
    expect(insertedIds[0]).toBeInstanceOf(ObjectId);
    await expect(items.insertOne({ _id: 'fixed' as never })).rejects.toMatchObject({ code: 11000 });

    expect(
      await items.updateOne({ name: 'a' }, { $set: { 'nested.deep': true }, $inc: { qty: 2 } }),
    ).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
    });
    await items.updateOne({ _id: 'fixed' as never }, { $unset: { note: '' } });
    await items.replaceOne({ name: 'b' }, { name: 'b', replaced: true });
    const upsert = await items.updateOne({ name: 'd' }, { $set: { qty: 4 } }, { upsert: true });
    expect(upsert.upsertedCount).toBe(1);

    expect(await items.findOne({ name: 'a' })).toMatchObject({
      qty: 3,
      nested: { deep: true },
      tags: ['x', 'y'],
    });
    expect(await items.findOne({ _id: 'fixed' as never })).toEqual({ _id: 'fixed', name: 'c', qty: 9 });
    expect(await items.findOne({ name: 'b' }, { projection: { _id: 0 } })).toEqual({
      name: 'b',
      replaced: true,
    });
    expect(await items.findOne({ name: 'd' })).toMatchObject({ name: 'd', qty: 4, _id: upsert.upsertedId });

    expect(
      await items.findOneAndUpdate(
        { name: 'a' },
        { $set: { seen: true } },
        { returnDocument: 'after', projection: { seen: 1, _id: 0 } },
      ),
    ).toEqual({ seen: true });
    expect(
      await items.findOneAndUpdate(
        { name: 'e' },
        { $set: { qty: 1 } },
        { upsert: true, returnDocument: 'after' },
      ),
    ).toMatchObject({ name: 'e', qty: 1 });
    expect(await items.findOneAndDelete({ name: 'e' })).toMatchObject({ name: 'e' });
    expect((await items.deleteOne({ name: 'b' })).deletedCount).toBe(1);
    expect((await items.deleteMany({ qty: { $gte: 4 } })).deletedCount).toBe(2);
    expect(await items.countDocuments()).toBe(1);
  });

  it('queries with operators, projection, sort, skip, limit and getMore batches', async () => {
    const items = db.collection(uniqueName('query'));
    await items.insertMany(
      Array.from({ length: 250 }, (_, i) => ({
        n: i,
        even: i % 2 === 0,
        group: `g${i % 3}`,
        tags: [`t${i % 4}`],
      })),
    );
    const page = await items
      .find({ even: true, n: { $gte: 10, $lt: 100 }, tags: 't2' }, { projection: { n: 1, _id: 0 } })
      .sort({ n: -1 })
      .skip(2)
      .limit(5)
      .toArray();
    expect(page).toEqual([{ n: 90 }, { n: 86 }, { n: 82 }, { n: 78 }, { n: 74 }]);
    expect(
      await items.countDocuments({
        $or: [{ n: { $in: [1, 2, 3] } }, { group: { $regex: '^g2' }, n: { $lt: 9 } }],
      }),
    ).toBe(5);
    expect(await items.countDocuments({ missing: { $exists: false }, n: { $not: { $gt: 3 } } })).toBe(4);
    const all = await items.find({}, { batchSize: 40 }).toArray(); // several getMores
    expect(all).toHaveLength(250);
    expect(await items.distinct('group')).toEqual(['g0', 'g1', 'g2']);
    expect(await items.estimatedDocumentCount()).toBe(250);
  });

  it('aggregates with $match, $group, $sort, $limit, $project, $addFields and $replaceRoot', async () => {
    const sales = db.collection(uniqueName('sales'));
    await sales.insertMany([
      { item: 'a', price: 10, qty: 2 },
      { item: 'b', price: 20, qty: 1 },
      { item: 'a', price: 10, qty: 5 },
      { item: 'c', price: 5, qty: 10 },
    ]);
    const totals = await sales
      .aggregate([
        { $match: { qty: { $gt: 1 } } },
        { $addFields: { total: { $multiply: ['$price', '$qty'] } } },
        { $group: { _id: '$item', revenue: { $sum: '$total' }, orders: { $sum: 1 } } },
        { $sort: { revenue: -1 } },
        { $limit: 2 },
        { $project: { _id: 0, item: '$_id', revenue: 1, orders: 1 } },
      ])
      .toArray();
    expect(totals).toEqual([
      { revenue: 70, orders: 2, item: 'a' },
      { revenue: 50, orders: 1, item: 'c' },
    ]);
    const roots = await sales
      .aggregate([{ $match: { item: 'b' } }, { $replaceRoot: { newRoot: { label: { $toUpper: '$item' } } } }])
      .toArray();
    expect(roots).toEqual([{ label: 'B' }]);
  });

  it('runs bulkWrite and reports the failing statement of an ordered bulk', async () => {
    const items = db.collection(uniqueName('bulk'));
    const result = await items.bulkWrite([
      { insertOne: { document: { _id: 1 as never, v: 1 } } },
      { insertOne: { document: { _id: 2 as never, v: 2 } } },
      { updateOne: { filter: { _id: 1 as never }, update: { $inc: { v: 10 } } } },
      { updateMany: { filter: {}, update: { $set: { touched: true } } } },
      { replaceOne: { filter: { _id: 2 as never }, replacement: { v: 20 } } },
      { deleteOne: { filter: { _id: 2 as never } } },
      { updateOne: { filter: { _id: 3 as never }, update: { $set: { v: 3 } }, upsert: true } },
    ]);
    expect(result).toMatchObject({ insertedCount: 2, matchedCount: 4, deletedCount: 1, upsertedCount: 1 });
    expect(await items.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, v: 11, touched: true },
      { _id: 3, v: 3 },
    ]);
    const failure = await items
      .bulkWrite([
        { insertOne: { document: { _id: 4 as never } } },
        { insertOne: { document: { _id: 1 as never } } },
        { insertOne: { document: { _id: 5 as never } } },
      ])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MongoBulkWriteError);
    expect((failure as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 1, code: 11000 }]);
    expect(await items.countDocuments({ _id: { $in: [4, 5] } as never })).toBe(1); // ordered: stopped at the error
  });

  it('runs multi-document transactions within one collection: isolated, committed or aborted as a whole', async () => {
    const accounts = db.collection(uniqueName('accounts'));
    await accounts.insertMany([
      { _id: 'alice' as never, balance: 100 },
      { _id: 'bob' as never, balance: 0 },
    ]);
    const session = mongo.client.startSession();
    try {
      await session.withTransaction(async () => {
        await accounts.updateOne({ _id: 'alice' as never }, { $inc: { balance: -30 } }, { session });
        await accounts.updateOne({ _id: 'bob' as never }, { $inc: { balance: 30 } }, { session });
        expect(await accounts.findOne({ _id: 'bob' as never }, { session })).toMatchObject({ balance: 30 });
        expect(await accounts.findOne({ _id: 'bob' as never })).toMatchObject({ balance: 0 }); // not yet visible
      });
      expect(await accounts.find().sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'alice', balance: 70 },
        { _id: 'bob', balance: 30 },
      ]);

      session.startTransaction();
      await accounts.insertOne({ _id: 'carol' as never, balance: 5 }, { session });
      await session.abortTransaction();
      expect(await accounts.findOne({ _id: 'carol' as never })).toBeNull();

      session.startTransaction();
      await accounts.insertOne({ _id: 'dave' as never }, { session });
      const other = db.collection(uniqueName('other'));
      await other.insertOne({ x: 1 }); // created outside the transaction
      await expect(other.insertOne({ y: 1 }, { session })).rejects.toMatchObject({ code: 263 });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
  });

  it('creates, lists and drops databases, collections and indexes', async () => {
    const name = uniqueName('admin');
    const adminDb = mongo.client.db(name);
    await adminDb.createCollection('a');
    await expect(adminDb.createCollection('a')).rejects.toMatchObject({ code: 48 });
    await adminDb.collection('b').insertOne({ k: 1 });
    expect((await adminDb.listCollections().toArray()).map((c) => c.name).sort()).toEqual(['a', 'b']);
    const { databases } = await adminDb.admin().listDatabases();
    expect(databases.map((d) => d.name)).toContain(name);

    expect(await adminDb.collection('a').createIndex({ k: 1 }, { name: 'k_1' })).toBe('k_1');
    await expect(adminDb.collection('b').createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({
      code: 67,
    });
    expect((await adminDb.collection('a').listIndexes().toArray()).map((index) => index.name)).toEqual([
      '_id_',
      'k_1',
    ]);
    expect(await adminDb.collection('a').drop()).toBe(true);
    expect((await adminDb.listCollections().toArray()).map((c) => c.name)).toEqual(['b']);
    await adminDb.dropDatabase();
    expect((await adminDb.admin().listDatabases()).databases.map((d) => d.name)).not.toContain(name);
  });

  it('keeps the data in the Cosmos store: the NoSQL SDK reads what the driver wrote, and the other way round', async () => {
    const name = uniqueName('shared');
    const people = mongo.client.db(name).collection('people');
    const id = new ObjectId();
    await people.insertOne({ _id: id, name: 'Ada', age: 36, address: { city: 'London' } });

    const sdk = cosmosClient({
      endpoint: mongo.emulator.endpoint,
      key: mongo.emulator.key,
      tlsInsecure: true,
    });
    try {
      const container = sdk.database(name).container('people');
      const { resources } = await container.items
        .query('SELECT * FROM c WHERE c.address.city = "London"')
        .fetchAll();
      expect(resources).toHaveLength(1);
      expect(resources[0]).toMatchObject({
        id: id.toHexString(),
        name: 'Ada',
        age: 36,
        _id: { $oid: id.toHexString() },
      });
      await container.items.create({ id: 'from-sdk', name: 'Grace', age: 45 });
      expect(await people.findOne({ age: { $gt: 40 } })).toEqual({ _id: 'from-sdk', name: 'Grace', age: 45 });
    } finally {
      sdk.dispose();
    }
  });

  it('answers unknown commands and operators with MongoDB errors', async () => {
    await expect(db.command({ noSuchCommand: 1 })).rejects.toMatchObject({ code: 59 });
    await db.collection('errors').insertOne({ a: 1 }); // operators are checked as documents are compared
    const error = await db
      .collection('errors')
      .findOne({ a: { $bogus: 1 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).message).toContain('$bogus');
  });
});
