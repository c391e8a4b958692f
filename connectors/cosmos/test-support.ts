import { startWorker, type RunningWorker } from '../runtime/worker.ts';
import { testBootstrapServers, uniqueName, waitFor } from '../../infra/testing/helpers.ts';

/**
 * Integration-test helpers for connector families: a worker of the test's own on the run's broker (unique
 * internal topics, quick offset flushes), and the few REST calls the tests make — through the REST API, as a
 * participant would.
 */
export interface TestWorker {
  worker: RunningWorker;
  /** Stops the worker and starts it again on the same internal topics (a restart). */
  restart(): Promise<void>;
  put(name: string, config: Record<string, string>): Promise<void>;
  status(
    name: string,
  ): Promise<{ connector: { state: string }; tasks: Array<{ id: number; state: string; trace?: string }> }>;
  /** Waits until the connector and `tasks` tasks are RUNNING; a FAILED task fails the wait with its trace. */
  running(name: string, tasks?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestWorker(): Promise<TestWorker> {
  const prefix = uniqueName('connect');
  const start = () =>
    startWorker({
      kafka: testBootstrapServers(),
      port: 0,
      groupId: prefix,
      topicPrefix: prefix,
      workerProps: { 'offset.flush.interval.ms': '500' },
      log: () => {},
    });
  const handle: TestWorker = {
    worker: await start(),
    async restart() {
      await handle.worker.close();
      handle.worker = await start();
    },
    async put(name, config) {
      const response = await fetch(`${handle.worker.url}/connectors/${name}/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(config),
      });
      if (response.status >= 300) throw new Error(`PUT ${name}: ${response.status} ${await response.text()}`);
    },
    async status(name) {
      const response = await fetch(`${handle.worker.url}/connectors/${name}/status`);
      return (await response.json()) as Awaited<ReturnType<TestWorker['status']>>;
    },
    async running(name, tasks = 1) {
      await waitFor(
        async () => {
          const status = await handle.status(name);
          const failed = status.tasks?.find((task) => task.state === 'FAILED');
          if (failed) throw new Error(`task ${failed.id} FAILED: ${failed.trace ?? ''}`);
          return status.connector?.state === 'RUNNING' &&
            status.tasks.length === tasks &&
            status.tasks.every((task) => task.state === 'RUNNING')
            ? status
            : undefined;
        },
        { timeoutMs: 30_000, description: `${name} RUNNING with ${tasks} task(s)` },
      );
    },
    close: () => handle.worker.close(),
  };
  return handle;
}

/** The JSON-without-schemas converters the challenge uses, and string keys. */
export const jsonConverters = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};
