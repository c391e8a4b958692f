import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classDataArchive } from '../java/class-data.ts';
import { probeJava } from '../java/index.ts';
import { stopProcess } from '../process/index.ts';
import { consume, createTopic, produce, uniqueName, withAdmin } from '../testing/helpers.ts';
import { startLocalBroker, type LocalBroker } from './broker.ts';
import { kafkaClient } from './connection.ts';
import { installKafka } from './install.ts';

/** Brokers of their own (not the run's shared one): what a fresh `hack up` does to a new data dir. */
describe('a new broker data dir', () => {
  const home = mkdtempSync(join(tmpdir(), 'connect-hack-broker-'));
  const brokers: LocalBroker[] = [];
  afterAll(async () => {
    for (const broker of brokers) await stopProcess(broker.pid, 30_000);
    rmSync(home, { recursive: true, force: true });
  });

  const start = async (name: string): Promise<{ broker: LocalBroker; clusterId: string }> => {
    const broker = await startLocalBroker({
      dataDir: join(home, name),
      logFile: join(home, `${name}.log`),
      port: 0,
    });
    brokers.push(broker);
    const meta = readFileSync(join(home, name, 'log', 'meta.properties'), 'utf8');
    return { broker, clusterId: /^cluster\.id=(.+)$/m.exec(meta)?.[1] ?? '' };
  };

  it('gets its KRaft metadata log from the kept checkpoint, with a cluster id of its own, and works', async () => {
    const first = await start('first'); // formats with the tool unless an earlier start kept the checkpoint
    const classpath = await installKafka();
    expect(existsSync(join(classpath.dir, 'kraft', 'bootstrap.checkpoint'))).toBe(true);
    const second = await start('second'); // from the checkpoint
    expect(second.clusterId).toMatch(/^[\w-]{22}$/);
    expect(second.clusterId).not.toBe(first.clusterId);

    const kafka = kafkaClient({ bootstrapServers: second.broker.bootstrapServers }, uniqueName('client'));
    const cluster = await withAdmin(kafka, (admin) => admin.describeCluster());
    expect(cluster.clusterId).toBe(second.clusterId);
    const topic = uniqueName('fresh');
    await createTopic(kafka, topic, 2);
    await produce(
      kafka,
      topic,
      Array.from({ length: 20 }, (_, i) => ({ key: String(i), value: `v${i}` })),
    );
    const records = await consume(kafka, topic, 20);
    expect(records.map((record) => record.value).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `v${i}`).sort(),
    );

    // The JVM maps the class-data archive when `hack install` recorded one, and runs without it otherwise.
    const archive = classDataArchive('kafka-broker', classpath, await probeJava());
    const commandLine = readFileSync(`/proc/${second.broker.pid}/cmdline`, 'utf8');
    expect(commandLine.includes(`-XX:SharedArchiveFile=${archive}`)).toBe(existsSync(archive));
  });
});
