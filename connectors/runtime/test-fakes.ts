import type { Admin, Kafka, Producer } from 'kafkajs';
import { Herder } from './herder/herder.ts';
import { defaultRegistry } from './installed-plugins.ts';
import { WorkerLog } from './logging.ts';
import { createRestApp } from './rest/app.ts';
import { ConfigStore } from './storage/config-store.ts';
import { OffsetStore } from './storage/offset-store.ts';
import { StatusStore } from './storage/status-store.ts';
import type { Storage } from './storage/index.ts';

/**
 * In-memory stand-ins for kafkajs, for unit tests of the REST API, herder and storage without a broker:
 * the producer records what the worker would have written to its internal topics.
 */
export interface SentRecord {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export function fakeProducer(sent: SentRecord[] = []): Producer & { sent: SentRecord[] } {
  const record = (topic: string, messages: Array<{ key?: unknown; value?: unknown; headers?: unknown }>) => {
    for (const message of messages) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries((message.headers ?? {}) as Record<string, unknown>)) {
        headers[name] = String(value);
      }
      sent.push({
        topic,
        key: message.key === null || message.key === undefined ? null : String(message.key),
        value: message.value === null || message.value === undefined ? null : String(message.value),
        headers,
      });
    }
  };
  return {
    sent,
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async ({
      topic,
      messages,
    }: {
      topic: string;
      messages: Array<{ key?: unknown; value?: unknown }>;
    }) => {
      record(topic, messages);
      return [];
    },
    sendBatch: async ({
      topicMessages,
    }: {
      topicMessages: Array<{ topic: string; messages: Array<{ key?: unknown; value?: unknown }> }>;
    }) => {
      for (const { topic, messages } of topicMessages) record(topic, messages);
      return [];
    },
  } as unknown as Producer & { sent: SentRecord[] };
}

export function fakeAdmin(): Admin {
  return {
    listTopics: async () => [],
    createTopics: async () => true,
    describeCluster: async () => ({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }],
      controller: 1,
      clusterId: 'fake-cluster',
    }),
    fetchOffsets: async () => [],
    deleteGroups: async () => [],
  } as unknown as Admin;
}

export function fakeStorage(
  producer = fakeProducer(),
): Storage & { producer: ReturnType<typeof fakeProducer> } {
  return {
    configs: new ConfigStore(producer, 'connect-configs'),
    offsets: new OffsetStore(producer, 'connect-offsets'),
    statuses: new StatusStore(producer, 'connect-status'),
    producer,
    admin: fakeAdmin(),
    close: async () => undefined,
  };
}

/** A REST app over a herder whose Kafka is fake: source tasks run, their records land in `storage.producer.sent`. */
export function fakeWorker(workerProps: Record<string, string> = {}) {
  const storage = fakeStorage();
  const registry = defaultRegistry();
  const lines: string[] = [];
  const log = new WorkerLog((line) => lines.push(line));
  const herder = new Herder({
    storage,
    registry,
    workerProps,
    workerId: '127.0.0.1:8083',
    client: () => ({ producer: () => storage.producer }) as unknown as Kafka,
    offsetFlushIntervalMs: 60_000,
    log: (line) => log.log(line),
  });
  const app = createRestApp({ herder, registry, log, clusterId: () => 'fake-cluster', ready: () => true });
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const response = await app.request(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      headers: response.headers,
    };
  };
  return { app, herder, storage, registry, log, lines, call, close: () => herder.stop() };
}
