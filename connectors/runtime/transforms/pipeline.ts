import { javaClassOf } from '../api/errors.ts';
import type { Converter, HeaderConverter, Props, SchemaAndValue } from '../api/plugins.ts';
import type { ConnectRecord, Header, SinkRecord, SourceRecord } from '../api/records.ts';
import { configureConverter, configureHeaderConverter } from '../converters/index.ts';
import { buildTransformChain, TransformStageError, type TransformChain } from './chain.ts';

/**
 * A connector config's record path, offline: serialized key/value/headers → converters → transform chain →
 * converters → serialized again, as a worker's task runs it. `hack transforms try` and the conformance suite
 * both run records through here; the JVM driver does the same with Apache's classes.
 */
export interface SerializedRecord {
  topic: string;
  partition?: number | null;
  offset?: number;
  timestamp?: number | null;
  kind?: 'sink' | 'source';
  /** What the configured converter reads: JSON text for JsonConverter, plain text for StringConverter. */
  key: string | null;
  value: string | null;
  headers?: Array<{ key: string; value: string | null }>;
}

export type Stage = 'CONFIGURE' | 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TRANSFORMATION';

export type PipelineResult =
  | { dropped: true }
  | { record: Required<Omit<SerializedRecord, 'offset' | 'kind'>> }
  | { error: { stage: Stage; class: string; message: string | null; alias?: string; transform?: string } };

export class StageFailure extends Error {
  constructor(
    readonly stage: Stage,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

const decoder = new TextDecoder();
const bytes = (text: string | null): Uint8Array | null => (text === null ? null : Buffer.from(text, 'utf8'));
const text = (data: Uint8Array | null): string | null => (data === null ? null : decoder.decode(data));

export interface Pipeline {
  keyConverter: Converter;
  valueConverter: Converter;
  headerConverter: HeaderConverter;
  chain: TransformChain;
  run(record: SerializedRecord): PipelineResult;
}

function attempt<T>(stage: Stage, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof StageFailure ? error : new StageFailure(stage, error);
  }
}

/** Builds the converters and chain a connector config names; throws StageFailure('CONFIGURE') when it can't. */
export function buildPipeline(props: Props): Pipeline {
  const keyConverter = attempt('CONFIGURE', () => configureConverter(props, true));
  const valueConverter = attempt('CONFIGURE', () => configureConverter(props, false));
  const headerConverter = attempt('CONFIGURE', () => configureHeaderConverter({}));
  const chain = attempt('CONFIGURE', () => buildTransformChain(props));
  const pipeline: Pipeline = {
    keyConverter,
    valueConverter,
    headerConverter,
    chain,
    run: (record) => {
      try {
        const transformed = chain.apply(toConnect(pipeline, record));
        if (transformed === null) return { dropped: true };
        return { record: fromConnect(pipeline, transformed) };
      } catch (error) {
        return failure(error);
      }
    },
  };
  return pipeline;
}

/** Runs one record through a config's pipeline; configuration problems come back as a CONFIGURE error. */
export function runPipeline(props: Props, record: SerializedRecord): PipelineResult {
  try {
    return buildPipeline(props).run(record);
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): PipelineResult {
  if (error instanceof TransformStageError) {
    return {
      error: {
        stage: 'TRANSFORMATION',
        class: javaClassOf(error.error),
        message: error.message,
        alias: error.alias,
        transform: error.className,
      },
    };
  }
  if (error instanceof StageFailure) {
    const cause = error.error;
    return {
      error: {
        stage: error.stage,
        class: javaClassOf(cause),
        message: cause instanceof Error ? cause.message : String(cause),
      },
    };
  }
  throw error;
}

function converterFailure(stage: Stage, error: unknown): StageFailure {
  return error instanceof StageFailure ? error : new StageFailure(stage, error);
}

export function toConnect(pipeline: Pipeline, record: SerializedRecord): ConnectRecord {
  let key: SchemaAndValue;
  let value: SchemaAndValue;
  try {
    key = pipeline.keyConverter.toConnectData(record.topic, bytes(record.key));
  } catch (error) {
    throw converterFailure('KEY_CONVERTER', error);
  }
  try {
    value = pipeline.valueConverter.toConnectData(record.topic, bytes(record.value));
  } catch (error) {
    throw converterFailure('VALUE_CONVERTER', error);
  }
  const headers: Header[] = [];
  for (const header of record.headers ?? []) {
    try {
      const converted = pipeline.headerConverter.toConnectHeader(
        record.topic,
        header.key,
        bytes(header.value),
      );
      headers.push({ key: header.key, schema: converted.schema, value: converted.value });
    } catch (error) {
      throw converterFailure('HEADER_CONVERTER', error);
    }
  }
  const partition = record.partition ?? null;
  if (record.kind === 'source') {
    const source: SourceRecord = {
      kind: 'source',
      topic: record.topic,
      kafkaPartition: partition,
      keySchema: key.schema,
      key: key.value,
      valueSchema: value.schema,
      value: value.value,
      timestamp: record.timestamp ?? null,
      headers,
      sourcePartition: {},
      sourceOffset: {},
    };
    return source;
  }
  const offset = record.offset ?? 0;
  const sink: SinkRecord = {
    kind: 'sink',
    topic: record.topic,
    kafkaPartition: partition ?? 0,
    keySchema: key.schema,
    key: key.value,
    valueSchema: value.schema,
    value: value.value,
    timestamp: record.timestamp ?? null,
    headers,
    kafkaOffset: offset,
    timestampType: 'CreateTime',
    originalTopic: record.topic,
    originalKafkaPartition: partition ?? 0,
    originalKafkaOffset: offset,
  };
  return sink;
}

export function fromConnect(
  pipeline: Pipeline,
  record: ConnectRecord,
): Required<Omit<SerializedRecord, 'offset' | 'kind'>> {
  let key: string | null;
  let value: string | null;
  try {
    key = text(pipeline.keyConverter.fromConnectData(record.topic, record.keySchema, record.key));
  } catch (error) {
    throw converterFailure('KEY_CONVERTER', error);
  }
  try {
    value = text(pipeline.valueConverter.fromConnectData(record.topic, record.valueSchema, record.value));
  } catch (error) {
    throw converterFailure('VALUE_CONVERTER', error);
  }
  const headers: Array<{ key: string; value: string | null }> = [];
  for (const header of record.headers) {
    try {
      headers.push({
        key: header.key,
        value: text(
          pipeline.headerConverter.fromConnectHeader(record.topic, header.key, header.schema, header.value),
        ),
      });
    } catch (error) {
      throw converterFailure('HEADER_CONVERTER', error);
    }
  }
  return {
    topic: record.topic,
    partition: record.kafkaPartition,
    timestamp: record.timestamp,
    key,
    value,
    headers,
  };
}
