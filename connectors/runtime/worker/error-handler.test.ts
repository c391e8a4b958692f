import { describe, expect, it } from 'vitest';
import { ConfigException, DataException, RetriableException } from '../api/errors.ts';
import { newTaskMetrics } from '../metrics.ts';
import { fakeAdmin, fakeProducer } from '../test-fakes.ts';
import { ErrorHandler, errorHandlingConfig, type ConsumedRecord } from './error-handler.ts';

const consumed: ConsumedRecord = {
  topic: 'orders',
  partition: 0,
  offset: '7',
  timestamp: '1700000000000',
  key: Buffer.from('k'),
  value: Buffer.from('{not json'),
  headers: { trace: Buffer.from('t1') },
};

function handler(props: Record<string, string>) {
  const producer = fakeProducer();
  const lines: string[] = [];
  const metrics = newTaskMetrics('c', 0, 'sink');
  const errors = new ErrorHandler(
    errorHandlingConfig(props),
    { connector: 'c', id: 0 },
    {
      log: (line) => lines.push(line),
      metrics,
      dlqProducer: producer,
      admin: fakeAdmin(),
    },
  );
  return { errors, producer, lines, metrics };
}

const badJson = () => {
  throw new DataException('Converting byte[] to Kafka Connect data failed due to serialization error: ');
};

describe('error handling', () => {
  it('under tolerance all skips the record and sends the original bytes to the DLQ with every context header', async () => {
    const { errors, producer, lines, metrics } = handler({
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.log.include.messages': 'true',
      'errors.deadletterqueue.topic.name': 'dlq',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    const outcome = await errors.execute(
      'VALUE_CONVERTER',
      'org.apache.kafka.connect.json.JsonConverter',
      badJson,
      consumed,
    );
    expect(outcome).toEqual({ ok: false });
    expect(producer.sent).toHaveLength(1);
    const [dlq] = producer.sent;
    expect(dlq).toMatchObject({ topic: 'dlq', key: 'k', value: '{not json' });
    expect(dlq!.headers).toMatchObject({
      trace: 't1',
      '__connect.errors.topic': 'orders',
      '__connect.errors.partition': '0',
      '__connect.errors.offset': '7',
      '__connect.errors.connector.name': 'c',
      '__connect.errors.task.id': '0',
      '__connect.errors.stage': 'VALUE_CONVERTER',
      '__connect.errors.class.name': 'org.apache.kafka.connect.json.JsonConverter',
      '__connect.errors.exception.class.name': 'org.apache.kafka.connect.errors.DataException',
      '__connect.errors.exception.message':
        'Converting byte[] to Kafka Connect data failed due to serialization error: ',
    });
    expect(dlq!.headers['__connect.errors.exception.stacktrace']).toMatch(
      /^org\.apache\.kafka\.connect\.errors\.DataException: Converting byte\[\][^\n]*\n\tat /,
    );
    expect(lines[0]).toContain(
      "Error encountered in task c-0. Executing stage 'VALUE_CONVERTER' with class 'org.apache.kafka.connect.json.JsonConverter', where consumed record is {topic='orders', partition=0, offset=7",
    );
    expect(metrics.errors).toMatchObject({
      totalRecordsSkipped: 1,
      dlqProduceRequests: 1,
      totalErrorsLogged: 1,
    });
  });

  it('under tolerance none fails with "Tolerance exceeded in error handler" caused by the original error', async () => {
    const { errors, producer } = handler({ 'errors.deadletterqueue.topic.name': 'dlq' });
    const failure = await errors
      .execute('VALUE_CONVERTER', 'X', badJson, consumed)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ message: 'Tolerance exceeded in error handler' });
    expect((failure as Error).cause).toBeInstanceOf(DataException);
    expect(producer.sent).toHaveLength(0);
  });

  it('retries RetriableExceptions until the retry timeout, and never skips a put failure', async () => {
    const { errors, metrics } = handler({ 'errors.tolerance': 'all', 'errors.retry.timeout': '2000' });
    let calls = 0;
    const outcome = await errors.execute('TASK_PUT', 'SinkTask', () => {
      calls++;
      if (calls < 3) throw new RetriableException('busy');
      return 'done';
    });
    expect(outcome).toEqual({ ok: true, value: 'done' });
    expect(metrics.errors.totalRetries).toBe(2);
    await expect(
      errors.execute('TASK_PUT', 'SinkTask', () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('Unhandled exception in error handler');
  });

  it('reads the errors.* keys as validate parses them: TRUE is true, 1e3 is refused', async () => {
    const { errors, lines } = handler({ 'errors.tolerance': 'ALL', 'errors.log.enable': 'TRUE' });
    await errors.execute('VALUE_CONVERTER', 'X', badJson, consumed);
    expect(lines).toHaveLength(1);
    expect(() => errorHandlingConfig({ 'errors.retry.timeout': '1e3' })).toThrow(ConfigException);
    expect(() => errorHandlingConfig({ 'errors.retry.timeout': '1e3' })).toThrow(
      'Invalid value 1e3 for configuration errors.retry.timeout: Not a number of type LONG',
    );
    expect(errorHandlingConfig({ 'errors.retry.timeout': ' -1 ' }).retryTimeoutMs).toBe(-1);
  });
});
