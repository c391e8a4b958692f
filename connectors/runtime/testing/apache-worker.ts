import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installApacheConnect } from '../../../infra/connect/install.ts';
import { startApacheWorker as startWorker } from '../../../infra/connect/worker.ts';
import { freePort, stopProcess } from '../../../infra/process/index.ts';

export interface ApacheWorker {
  url: string;
  /** The JVM's process id (the bench reads its CPU time). */
  pid: number;
  logFile: string;
  close(): Promise<void>;
}

/**
 * A real Apache Kafka Connect 4.1.2 distributed worker (connect-runtime from Maven Central, FileStream connectors
 * on the classpath, no plugin folders to scan) on the given broker, with its own group and internal topics: the
 * judge the differential tests and the benchmark compare our worker with. The `apache-connect` stack service
 * starts the same worker with the field's plugins.
 */
export async function startApacheWorker(options: {
  bootstrapServers: string;
  name: string;
  workerProps?: Record<string, string>;
}): Promise<ApacheWorker> {
  const { classpath } = await installApacheConnect();
  const dir = mkdtempSync(join(tmpdir(), `apache-connect-${options.name}-`));
  const logFile = join(dir, 'connect.log');
  const { pid, url } = await startWorker({
    kafka: { bootstrapServers: options.bootstrapServers },
    dir,
    logFile,
    port: await freePort(),
    groupId: options.name,
    topicPrefix: options.name,
    classpath,
    workerProps: { 'offset.flush.interval.ms': '1000', ...options.workerProps },
  });
  return { url, pid, logFile, close: async () => void (await stopProcess(pid, 15_000)) };
}
