import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, typescriptServiceCommand } from '../../infra/process/index.ts';
import {
  testBootstrapServers,
  testKafka,
  uniqueName,
  waitFor,
  withAdmin,
} from '../../infra/testing/helpers.ts';
import { openStorage } from './storage/index.ts';

const mainScript = fileURLToPath(new URL('./main.ts', import.meta.url));

/** `kill -9` of the worker process mid-stream, then a restart: nothing is lost and the source resumes. */
describe('Connect worker killed with SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'connect-kill-'));
  const prefix = uniqueName('connect-kill');
  const properties = join(dir, 'worker.properties');
  writeFileSync(properties, 'offset.flush.interval.ms=1000\n');
  const children: ChildProcess[] = [];

  const startProcess = async (): Promise<{ child: ChildProcess; url: string }> => {
    const port = await freePort();
    const { command, args } = typescriptServiceCommand(mainScript, [
      '--bootstrap-servers',
      testBootstrapServers(),
      '--port',
      String(port),
      '--topic-prefix',
      prefix,
      '--worker-properties',
      properties,
    ]);
    const child = spawn(command, args, { stdio: 'ignore' });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/health`).catch(() => undefined))?.status === 200, {
      timeoutMs: 60_000,
      description: 'the worker process to answer /health',
    });
    return { child, url };
  };

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('delivers every line to the sink file and resumes the source from its stored offset', async () => {
    const topic = uniqueName('killed');
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    const total = 4000;
    const expected = Array.from({ length: total }, (_, i) => `line-${i}`);
    writeFileSync(input, '');
    const kafka = testKafka();
    const producedSoFar = () =>
      withAdmin(kafka, async (admin) =>
        (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0),
      );

    const first = await startProcess();
    const put = (name: string, config: Record<string, string>) =>
      fetch(`${first.url}/connectors/${name}/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(config),
      });
    await put(`${topic}-src`, {
      'connector.class': 'FileStreamSource',
      file: input,
      topic,
      'batch.size': '50',
    });
    await put(`${topic}-sink`, {
      'connector.class': 'FileStreamSink',
      file: output,
      topics: topic,
      // The killed worker's consumer stays in the group until its session times out: keep that short.
      'consumer.override.session.timeout.ms': '10000',
      'consumer.override.heartbeat.interval.ms': '1000',
    });
    let written = 0;
    const writer = setInterval(() => {
      const next = expected.slice(written, written + 50);
      if (next.length > 0) appendFileSync(input, `${next.join('\n')}\n`);
      written += next.length;
    }, 100);
    const lines = () => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').filter(Boolean) : []);
    await waitFor(() => lines().length >= 500, {
      timeoutMs: 120_000,
      description: '500 lines through the pipeline',
    });
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(lines().length).toBeLessThan(total); // it really was mid-stream

    // What the killed worker left behind: records in the topic, and the last source offset it had flushed.
    const producedBeforeKill = await producedSoFar();
    const storage = await openStorage(kafka, {
      config: `${prefix}-configs`,
      offset: `${prefix}-offsets`,
      status: `${prefix}-status`,
    });
    const stored = Number(storage.offsets.get(`${topic}-src`, { filename: input })?.position ?? 0);
    await storage.close();
    expect(stored).toBeGreaterThan(0);
    const linesUpToStored = readFileSync(input).subarray(0, stored).toString().split('\n').length - 1;

    await startProcess();
    await waitFor(() => written >= total, { timeoutMs: 60_000, description: 'the writer to finish' });
    clearInterval(writer);
    await waitFor(() => new Set(lines()).size === total, {
      timeoutMs: 90_000,
      description: `all ${total} distinct lines in the sink file`,
    });
    expect(new Set(lines())).toEqual(new Set(expected));
    // The restarted source went on from its stored offset (not from the start of the file): exactly the lines
    // after that offset were produced again, as Apache's at-least-once delivery does.
    await waitFor(async () => (await producedSoFar()) >= producedBeforeKill + total - linesUpToStored);
    expect(await producedSoFar()).toBe(producedBeforeKill + total - linesUpToStored);
  });
});
