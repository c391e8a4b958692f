import type { Producer } from 'kafkajs';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import type { SinkRecord } from '../runtime/api/records.ts';

/**
 * The Confluent sink's reporter: one record per indexed record on the result topic, one per failure on the
 * error topic, so a participant can see what Azure answered for each record. Empty topic names turn either off.
 */
export class Reporter {
  private constructor(
    private readonly producer: Producer,
    private readonly resultTopic: string,
    private readonly errorTopic: string,
  ) {}

  static async connect(
    bootstrapServers: string,
    options: { resultTopic: string; errorTopic: string; clientId: string },
  ): Promise<Reporter> {
    const producer = kafkaClient({ bootstrapServers }, options.clientId).producer({
      allowAutoTopicCreation: true,
    });
    await producer.connect();
    return new Reporter(producer, options.resultTopic, options.errorTopic);
  }

  async result(record: SinkRecord, index: string, key: string, status: number): Promise<void> {
    await this.send(this.resultTopic, record, key, { status, index, key, message: 'indexed' });
  }

  async error(
    record: SinkRecord,
    index: string | undefined,
    key: string | undefined,
    error: Error,
  ): Promise<void> {
    const status = (error as { status?: unknown }).status;
    await this.send(this.errorTopic, record, key ?? null, {
      status: typeof status === 'number' ? status : null,
      index: index ?? null,
      key: key ?? null,
      message: error.message,
    });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  private async send(
    topic: string,
    record: SinkRecord,
    key: string | null,
    value: Record<string, unknown>,
  ): Promise<void> {
    if (!topic) return;
    await this.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key,
          value: JSON.stringify(value),
          headers: {
            input_record_topic: record.topic,
            input_record_partition: String(record.kafkaPartition ?? 0),
            input_record_offset: String(record.kafkaOffset),
          },
        },
      ],
    });
  }
}
