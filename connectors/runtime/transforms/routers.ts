import type { ConnectRecord } from '../api/records.ts';
import { DataException } from '../data/schema.ts';
import { validRegex, type ConfigReader, type SpecFactory } from './config.ts';
import { compileJavaRegex, javaReplacement, type JavaPattern } from './java-regex.ts';
import { SimpleDateFormat } from './simple-date-format.ts';
import { BaseTransformation } from './support.ts';
import { javaRecordText } from './record-text.ts';

const timestampRouterKeys: SpecFactory = (p) => [
  {
    name: `${p}topic.format`,
    type: 'STRING',
    default: '${topic}-${timestamp}',
    importance: 'HIGH',
    documentation:
      'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.',
  },
  {
    name: `${p}timestamp.format`,
    type: 'STRING',
    default: 'yyyyMMdd',
    importance: 'HIGH',
    documentation:
      'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
  },
];

/** `org.apache.kafka.connect.transforms.TimestampRouter`: topic from a format of topic and record timestamp (UTC). */
export class TimestampRouter extends BaseTransformation {
  protected readonly keys = timestampRouterKeys;
  private topicFormat = '';
  private format = new SimpleDateFormat('yyyyMMdd');

  protected setup(config: ConfigReader): void {
    this.topicFormat = config.nullableString('topic.format') ?? '';
    this.format = new SimpleDateFormat(config.nullableString('timestamp.format') ?? '');
  }

  apply(record: ConnectRecord): ConnectRecord {
    if (record.timestamp === null)
      throw new DataException(`Timestamp missing on record: ${javaRecordText(record)}`);
    const formatted = this.format.format(new Date(record.timestamp));
    const topic = this.topicFormat.split('${topic}').join(record.topic).split('${timestamp}').join(formatted);
    return { ...record, topic };
  }
}

const regexRouterKeys: SpecFactory = (p) => [
  {
    name: `${p}regex`,
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Regular expression to use for matching.',
    validate: validRegex('regex'),
  },
  { name: `${p}replacement`, type: 'STRING', importance: 'HIGH', documentation: 'Replacement string.' },
];

/** `org.apache.kafka.connect.transforms.RegexRouter`: full match of the topic, then Java's `replaceFirst`. */
export class RegexRouter extends BaseTransformation {
  protected readonly keys = regexRouterKeys;
  private pattern: JavaPattern = compileJavaRegex('');
  private replacement = '';

  protected setup(config: ConfigReader): void {
    this.pattern = compileJavaRegex(config.nullableString('regex') ?? '');
    this.replacement = config.nullableString('replacement') ?? '';
  }

  apply(record: ConnectRecord): ConnectRecord {
    const match = this.pattern.full.exec(record.topic);
    if (!match) return record;
    return { ...record, topic: javaReplacement(this.replacement, match, this.pattern.groupCount) };
  }
}
