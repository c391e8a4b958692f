import { describe, expect, it } from 'vitest';
import { fakeProducer } from '../test-fakes.ts';
import { ConfigStore } from './config-store.ts';
import { OffsetStore } from './offset-store.ts';
import { StatusStore } from './status-store.ts';

const asRecord = (topic: string) => (sent: { key: string | null; value: string | null }) => ({
  topic,
  partition: 0,
  key: sent.key,
  value: sent.value === null ? null : Buffer.from(sent.value),
});

/** The internal topics in Apache's record formats, and read back into the same state (what a restart does). */
describe('internal topic formats', () => {
  it('writes the config topic as Apache does and reads it back', async () => {
    const producer = fakeProducer();
    const store = new ConfigStore(producer, 'configs');
    await store.putTargetState('c', 'STOPPED');
    await store.putConnectorConfig('c', { 'connector.class': 'X', name: 'c' });
    await store.putTaskConfigs('c', [{ a: '1' }, { a: '2' }]);
    await store.putRestartRequest('c', true, false);
    expect(producer.sent.map(({ key, value }) => [key, value])).toEqual([
      ['target-state-c', '{"state":"PAUSED","state.v2":"STOPPED"}'],
      ['connector-c', '{"properties":{"connector.class":"X","name":"c"}}'],
      ['task-c-0', '{"properties":{"a":"1"}}'],
      ['task-c-1', '{"properties":{"a":"2"}}'],
      ['commit-c', '{"tasks":2}'],
      ['restart-connector-c', '{"include-tasks":true,"only-failed":false}'],
    ]);
    const restored = new ConfigStore(fakeProducer(), 'configs');
    for (const sent of producer.sent) restored.apply(asRecord('configs')(sent));
    expect(restored.connectors.get('c')).toEqual({ 'connector.class': 'X', name: 'c' });
    expect(restored.taskConfigs.get('c')).toEqual([{ a: '1' }, { a: '2' }]);
    expect(restored.targetState('c')).toBe('STOPPED');
  });

  it('ignores task configs without their commit record, and forgets a deleted connector', () => {
    const store = new ConfigStore(fakeProducer(), 'configs');
    const apply = (key: string, value: unknown) =>
      store.apply({
        topic: 'configs',
        partition: 0,
        key,
        value: value === null ? null : Buffer.from(JSON.stringify(value)),
      });
    apply('connector-c', { properties: { name: 'c' } });
    apply('task-c-0', { properties: { a: '1' } });
    expect(store.taskConfigs.get('c')).toBeUndefined();
    apply('commit-c', { tasks: 1 });
    expect(store.taskConfigs.get('c')).toEqual([{ a: '1' }]);
    apply('target-state-c', { state: 'PAUSED' });
    expect(store.targetState('c')).toBe('PAUSED');
    apply('connector-c', null);
    expect(store.connectors.has('c')).toBe(false);
  });

  it('keys source offsets as ["connector",{partition}] and treats null as a reset', async () => {
    const producer = fakeProducer();
    const store = new OffsetStore(producer, 'offsets');
    await store.write('file-src', [{ partition: { filename: '/tmp/in.txt' }, offset: { position: 1234 } }]);
    expect(producer.sent).toEqual([
      {
        topic: 'offsets',
        key: '["file-src",{"filename":"/tmp/in.txt"}]',
        value: '{"position":1234}',
        headers: {},
      },
    ]);
    const restored = new OffsetStore(fakeProducer(), 'offsets');
    restored.apply(asRecord('offsets')(producer.sent[0]!));
    expect(restored.get('file-src', { filename: '/tmp/in.txt' })).toEqual({ position: 1234 });
    restored.apply({
      topic: 'offsets',
      partition: 0,
      key: '["c",{"b":"2","a":"1"}]',
      value: Buffer.from('{"lsn":7}'),
    });
    expect(restored.get('c', { a: '1', b: '2' })).toEqual({ lsn: 7 }); // Apache writes HashMap order
    restored.apply({
      topic: 'offsets',
      partition: 0,
      key: '["file-src",{"filename":"/tmp/in.txt"}]',
      value: null,
    });
    expect(restored.all('file-src')).toEqual([]);
  });

  it('writes statuses and active topics in the status-topic formats', async () => {
    const producer = fakeProducer();
    const store = new StatusStore(producer, 'status');
    await store.putConnector('c', { state: 'RUNNING', trace: null, worker_id: 'h:8083', generation: 1 });
    await store.putTask('c', 0, { state: 'FAILED', trace: 'boom', worker_id: 'h:8083', generation: 1 });
    await store.addActiveTopic('c', 0, 'orders');
    expect(producer.sent.map(({ key }) => key)).toEqual([
      'status-connector-c',
      'status-task-c-0',
      'status-topic-orders:connector-c',
    ]);
    expect(JSON.parse(producer.sent[0]!.value!)).toEqual({
      state: 'RUNNING',
      trace: null,
      worker_id: 'h:8083',
      generation: 1,
    });
    expect(JSON.parse(producer.sent[2]!.value!).topic).toMatchObject({
      name: 'orders',
      connector: 'c',
      task: 0,
    });
    const restored = new StatusStore(fakeProducer(), 'status');
    restored.apply(asRecord('status')(producer.sent[2]!));
    expect(restored.topics('c')).toEqual(['orders']);
  });
});
