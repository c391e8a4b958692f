import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, Timestamp, type ChangeStreamDocument, type Collection, type Document } from 'mongodb';
import { emulatorKey } from '../cosmos/auth.ts';
import {
  freePort,
  isAlive,
  isPortOpen,
  spawnDetached,
  stopProcess,
  typescriptServiceCommand,
  waitUntil,
} from '../process/index.ts';
import { uniqueName } from '../testing/helpers.ts';
import { mongoConnectionString } from './connection-string.ts';
import { startTestMongo, type TestMongo } from './test-support.ts';

/** The pipeline Cosmos DB's documentation gives for change streams: $match, then $project. */
const cosmosPipeline = [
  { $match: { operationType: { $in: ['insert', 'update', 'replace'] } } },
  { $project: { _id: 1, fullDocument: 1, ns: 1, documentKey: 1 } },
];

let mongo: TestMongo;

beforeAll(async () => {
  mongo = await startTestMongo();
});
afterAll(() => mongo?.close());

function collection(): Collection<Document> {
  return mongo.client.db(uniqueName('streams')).collection('events');
}

describe('change streams with Cosmos DB for MongoDB rules', () => {
  it("refuses streams without $match and $project, and database or deployment streams, with Cosmos DB's errors", async () => {
    const items = collection();
    await items.insertOne({ seed: true });
    await expect(items.watch().next()).rejects.toMatchObject({
      code: 2,
      message: 'Change stream must be followed by a match and then a project stage',
    });
    await expect(items.watch([{ $match: {} }]).next()).rejects.toMatchObject({ code: 2 });
    await expect(items.watch([{ $project: { _id: 1 } }, { $match: {} }]).next()).rejects.toMatchObject({
      code: 2,
    });
    await expect(
      items.dbName ? mongo.client.db(items.dbName).watch(cosmosPipeline).next() : undefined,
    ).rejects.toMatchObject({
      code: 2,
      message: 'Expected type string but found int.',
    });
  });

  it('reports inserts, updates and replaces with the full document, never deletes, and no operationType', async () => {
    const items = collection();
    await items.insertOne({ seed: true });
    const stream = items.watch(cosmosPipeline, { fullDocument: 'updateLookup' });
    await stream.tryNext(); // opened: later writes are reported
    await items.insertOne({ _id: 'a' as never, v: 1 });
    await items.updateOne({ _id: 'a' as never }, { $set: { v: 2 } });
    await items.insertOne({ _id: 'b' as never, v: 1 });
    await items.deleteOne({ _id: 'b' as never });
    await items.replaceOne({ _id: 'a' as never }, { v: 3 });
    await items.insertOne({ _id: 'c' as never, v: 1 });
    const first = (await stream.next()) as ChangeStreamDocument & Document;
    // One version per document (the newest), in the order of their last change; b was deleted: not reported.
    expect(first).toEqual({
      _id: expect.objectContaining({ _data: expect.any(String) }),
      fullDocument: { _id: 'a', v: 3 },
      ns: { db: items.dbName, coll: 'events' },
      documentKey: { _id: 'a' },
    });
    expect((await stream.next()) as Document).toMatchObject({ fullDocument: { _id: 'c', v: 1 } });
    await stream.close();
  });

  it('filters with $match on the document and shapes with $project', async () => {
    const items = collection();
    await items.insertOne({ seed: true });
    const stream = items.watch(
      [{ $match: { 'fullDocument.kind': 'order' } }, { $project: { _id: 1, 'fullDocument.total': 1 } }],
      { fullDocument: 'updateLookup' },
    );
    await stream.tryNext();
    await items.insertMany([
      { kind: 'note', total: 1 },
      { kind: 'order', total: 42, secret: 'x' },
    ]);
    expect((await stream.next()) as Document).toEqual({
      _id: expect.anything(),
      fullDocument: { total: 42 },
    });
    await stream.close();
  });

  it('resumes after a token (resumeAfter, startAfter), from a time (startAtOperationTime), and advances postBatchResumeToken', async () => {
    const items = collection();
    await items.insertOne({ n: 0 });
    const start = Math.floor(Date.now() / 1000);
    const stream = items.watch(cosmosPipeline, { fullDocument: 'updateLookup', maxAwaitTimeMS: 200 });
    expect(await stream.tryNext()).toBeNull(); // nothing new within maxAwaitTimeMS
    const idle = stream.resumeToken; // postBatchResumeToken of an empty batch
    expect(idle).toBeDefined();
    await items.insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const one = (await stream.next()) as Document;
    expect(one.fullDocument.n).toBe(1);
    await stream.close();

    const afterOne = items.watch(cosmosPipeline, { resumeAfter: one._id, fullDocument: 'updateLookup' });
    expect(((await afterOne.next()) as Document).fullDocument.n).toBe(2);
    await afterOne.close();
    const startAfter = items.watch(cosmosPipeline, { startAfter: one._id, fullDocument: 'updateLookup' });
    expect(((await startAfter.next()) as Document).fullDocument.n).toBe(2);
    await startAfter.close();
    const fromIdle = items.watch(cosmosPipeline, { resumeAfter: idle, fullDocument: 'updateLookup' });
    expect(((await fromIdle.next()) as Document).fullDocument.n).toBe(1);
    await fromIdle.close();
    const fromTime = items.watch(cosmosPipeline, {
      startAtOperationTime: new Timestamp({ t: start - 60, i: 0 }),
      fullDocument: 'updateLookup',
    });
    expect(((await fromTime.next()) as Document).fullDocument.n).toBe(0);
    await fromTime.close();

    const other = collection();
    await other.insertOne({ x: 1 });
    await expect(other.watch(cosmosPipeline, { resumeAfter: one._id }).next()).rejects.toMatchObject({
      code: 280,
    });
  });
});

describe('change streams across a kill -9 of the emulator process', () => {
  const mainScript = fileURLToPath(new URL('../cosmos/main.ts', import.meta.url));
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmos-mongo-kill-'));
  let pid: number | undefined;
  let ports: { cosmos: number; http: number; mongo: number };

  async function startProcess(): Promise<void> {
    const { command, args } = typescriptServiceCommand(mainScript, [
      '--data-dir',
      dataDir,
      '--port',
      String(ports.cosmos),
      '--http-port',
      String(ports.http),
      '--mongo-port',
      String(ports.mongo),
    ]);
    const child = spawnDetached(command, args, {
      logFile: join(dataDir, 'emulator.log'),
      env: { ...process.env, COSMOS_EMULATOR_KEY: emulatorKey },
    });
    pid = child.pid;
    await waitUntil(() => isPortOpen(ports.mongo), {
      timeoutMs: 60_000,
      what: 'the emulator',
      abort: () => (isAlive(pid) ? undefined : 'the emulator exited'),
    });
  }

  afterAll(async () => {
    if (pid) await stopProcess(pid, 5000);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps acknowledged writes and resumes the stream without loss or repeats (driver auto-resume and a saved token)', async () => {
    ports = { cosmos: await freePort(), http: await freePort(), mongo: await freePort() };
    await startProcess();
    const client = new MongoClient(mongoConnectionString('127.0.0.1', ports.mongo, emulatorKey), {
      tlsCAFile: join(dataDir, 'cosmos-emulator.crt'),
      serverSelectionTimeoutMS: 60_000,
    });
    try {
      const items = client.db('durable').collection('events');
      await items.insertOne({ n: 0 });
      const stream = items.watch(cosmosPipeline, { fullDocument: 'updateLookup', maxAwaitTimeMS: 500 });
      await stream.tryNext();
      await items.insertMany([{ n: 1 }, { n: 2 }]);
      expect(((await stream.next()) as Document).fullDocument.n).toBe(1);
      const saved = stream.resumeToken;

      process.kill(pid!, 'SIGKILL');
      await waitUntil(() => Promise.resolve(!isAlive(pid)), {
        timeoutMs: 10_000,
        what: 'the killed emulator to exit',
      });
      await startProcess();

      // Cosmos connection strings say retrywrites=false, so a write on a pooled connection that died with the
      // old process fails (ECONNRESET), as it would on Azure. A retryable read first lets the driver notice the
      // restart and clear its pool.
      expect((await items.findOne({ n: 0 }))?.n).toBe(0);
      await items.insertOne({ n: 3 });
      const seen: number[] = [];
      while (seen.length < 2) seen.push(((await stream.next()) as Document).fullDocument.n as number);
      expect(seen).toEqual([2, 3]);
      await stream.close();

      const resumed = items.watch(cosmosPipeline, { resumeAfter: saved, fullDocument: 'updateLookup' });
      expect(((await resumed.next()) as Document).fullDocument.n).toBe(2);
      await resumed.close();
      expect(await items.countDocuments()).toBe(4);
    } finally {
      await client.close();
    }
  });
});
