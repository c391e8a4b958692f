import { UsageError } from '../../../infra/errors.ts';
import type { Props } from '../api/plugins.ts';
import { quoteJson, rawMembers } from '../data/json.ts';
import { defaultConverterClass, defaultHeaderConverterClass } from '../converters/index.ts';
import { validateTransformConfig } from './chain.ts';
import { buildPipeline, StageFailure, type Pipeline, type SerializedRecord } from './pipeline.ts';

/**
 * `hack transforms try`: a connector config's converters and SMT chain over sample records, offline (Redpanda
 * Connect's `rpk connect test` is the model). Input and output lines are `{"topic","partition"?,"key","value",
 * "headers"?}` with key and value in the form the converters read and write — raw JSON for JsonConverter (an
 * envelope when schemas are enabled), a JSON string for the others — so number lexemes survive (`10.0` is a double).
 */

/** The connector config of a file: `{"name","config":{…}}`, a flat JSON map, or Java properties. */
export function parseConnectorConfigText(text: string, fileName = 'config'): Props {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(`${fileName} is not valid JSON: ${(error as Error).message}`, {
        fix: 'Give a connector config as {"name": …, "config": {…}} or a flat {"key": "value"} map.',
      });
    }
    const object = parsed as Record<string, unknown>;
    const config =
      object.config !== null && typeof object.config === 'object'
        ? (object.config as Record<string, unknown>)
        : object;
    const props: Props = {};
    for (const [key, value] of Object.entries(config)) {
      if (value === null || value === undefined) continue;
      props[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return props;
  }
  const props: Props = {};
  for (const line of trimmed.split(/\r?\n/)) {
    const entry = line.trim();
    if (entry === '' || entry.startsWith('#') || entry.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(entry);
    if (match) props[match[1]!] = match[2]!;
  }
  return props;
}

/** Config-level problems (unknown transform class, missing required key, …) as `key: message` lines. */
export function configProblems(props: Props): string[] {
  const validation = validateTransformConfig(props);
  return Object.entries(validation.errors).flatMap(([key, messages]) =>
    messages.map((message) => `${key}: ${message}`),
  );
}

/**
 * Settings a real worker would ignore: Apache applies a connector's `value.converter.<prop>` only when the connector
 * also names `value.converter`; otherwise the worker's own converter and settings are used. `try` applies them
 * anyway (there is no worker config here) and says so.
 */
export function converterWarnings(props: Props): string[] {
  const warnings: string[] = [];
  for (const role of ['key', 'value', 'header'] as const) {
    const name = `${role}.converter`;
    if (props[name]?.trim()) continue;
    const orphans = Object.keys(props).filter((key) => key.startsWith(`${name}.`));
    if (orphans.length > 0) {
      warnings.push(
        `${orphans.join(', ')} ${orphans.length === 1 ? 'is' : 'are'} set but ${name} is not: a Kafka Connect worker ignores ${orphans.length === 1 ? 'it' : 'them'} and uses its own ${name} settings. Set ${name} too.`,
      );
    }
  }
  return warnings;
}

/** Whether a converter reads/writes JSON text (then payloads are embedded raw, not as strings). */
function isJsonConverter(props: Props, prefix: 'key.converter' | 'value.converter'): boolean {
  return (props[prefix]?.trim() || defaultConverterClass) === 'org.apache.kafka.connect.json.JsonConverter';
}

export class TryInputError extends UsageError {}

/** One input line → the serialized record the pipeline reads. */
export function parseInputLine(line: string, props: Props, lineNumber: number): SerializedRecord {
  let members: Map<string, string>;
  try {
    members = rawMembers(line);
  } catch (error) {
    throw new TryInputError(`Line ${lineNumber} is not a JSON object: ${(error as Error).message}`, {
      fix: 'Each input line is {"topic": "…", "key": …, "value": …, "headers"?: […]}.',
    });
  }
  const json = (name: string): unknown => (members.has(name) ? JSON.parse(members.get(name)!) : undefined);
  const topic = json('topic');
  if (typeof topic !== 'string') {
    throw new TryInputError(`Line ${lineNumber} has no "topic" string.`, {
      fix: 'Add "topic": "<name>" to every line.',
    });
  }
  const payload = (name: 'key' | 'value'): string | null => {
    const raw = members.get(name);
    if (raw === undefined || raw === 'null') return null;
    if (isJsonConverter(props, name === 'key' ? 'key.converter' : 'value.converter')) return raw;
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'string' ? value : raw;
  };
  const headersValue = json('headers');
  const headers: Array<{ key: string; value: string | null }> = [];
  const headerText = (value: unknown): string | null =>
    value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
  if (Array.isArray(headersValue)) {
    for (const header of headersValue as Array<{ key?: unknown; value?: unknown }>) {
      if (typeof header?.key !== 'string')
        throw new TryInputError(`Line ${lineNumber}: every header needs a "key".`);
      headers.push({ key: header.key, value: headerText(header.value) });
    }
  } else if (headersValue !== null && typeof headersValue === 'object') {
    for (const [key, value] of Object.entries(headersValue as Record<string, unknown>))
      headers.push({ key, value: headerText(value) });
  }
  const partition = json('partition');
  const timestamp = json('timestamp');
  const offset = json('offset');
  return {
    topic,
    partition: typeof partition === 'number' ? partition : 0,
    timestamp: typeof timestamp === 'number' ? timestamp : Date.now(),
    offset: typeof offset === 'number' ? offset : lineNumber - 1,
    key: payload('key'),
    value: payload('value'),
    headers,
  };
}

function executingClass(props: Props, stage: string, transform?: string): string {
  switch (stage) {
    case 'KEY_CONVERTER':
      return props['key.converter']?.trim() || defaultConverterClass;
    case 'VALUE_CONVERTER':
      return props['value.converter']?.trim() || defaultConverterClass;
    case 'HEADER_CONVERTER':
      return props['header.converter']?.trim() || defaultHeaderConverterClass;
    default:
      return transform ?? '';
  }
}

/** One record through the pipeline → the output line (or null when the chain dropped it). */
export function tryRecord(
  pipeline: Pipeline,
  props: Props,
  record: SerializedRecord,
): { line: string | null; failed: boolean } {
  const result = pipeline.run(record);
  if ('dropped' in result) return { line: null, failed: false };
  if ('error' in result) {
    const error = {
      stage: result.error.stage,
      class: executingClass(props, result.error.stage, result.error.transform),
      exception: result.error.class,
      message: result.error.message,
      ...(result.error.alias ? { transform: result.error.alias } : {}),
    };
    return { line: JSON.stringify({ error }), failed: true };
  }
  const out = result.record;
  const payload = (text: string | null, prefix: 'key.converter' | 'value.converter'): string =>
    text === null ? 'null' : isJsonConverter(props, prefix) ? text : quoteJson(text);
  const parts = [
    `"topic":${quoteJson(out.topic)}`,
    `"partition":${out.partition ?? 'null'}`,
    `"key":${payload(out.key, 'key.converter')}`,
    `"value":${payload(out.value, 'value.converter')}`,
  ];
  if (out.headers.length > 0) parts.push(`"headers":${JSON.stringify(out.headers)}`);
  return { line: `{${parts.join(',')}}`, failed: false };
}

export interface TryOutcome {
  records: number;
  written: number;
  dropped: number;
  failed: number;
}

/** Runs every input line; writes output lines through `write`. Config errors throw a UsageError listing them. */
export function tryTransforms(
  props: Props,
  lines: Iterable<string>,
  write: (line: string) => void,
): TryOutcome {
  const problems = configProblems(props);
  if (problems.length > 0) {
    throw new UsageError(
      `The transform config is invalid (as Kafka Connect's validate would report it):\n  ${problems.join('\n  ')}`,
      {
        fix: 'Fix the keys above in the connector config and try again.',
      },
    );
  }
  let pipeline: Pipeline;
  try {
    pipeline = buildPipeline(props);
  } catch (error) {
    const cause = error instanceof StageFailure ? error.error : error;
    throw new UsageError(
      `The converters or transforms could not be configured: ${(cause as Error).message}`,
      {
        fix: 'Kafka Connect would fail the task the same way; fix the config named in the message.',
      },
    );
  }
  const outcome: TryOutcome = { records: 0, written: 0, dropped: 0, failed: 0 };
  let lineNumber = 0;
  for (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    outcome.records++;
    const { line: output, failed } = tryRecord(pipeline, props, parseInputLine(line, props, lineNumber));
    if (failed) outcome.failed++;
    if (output === null) outcome.dropped++;
    else {
      write(output);
      if (!failed) outcome.written++;
    }
  }
  pipeline.chain.close();
  return outcome;
}
