import type { ConfigSpec } from '../api/config.ts';
import type { Predicate, Props } from '../api/plugins.ts';
import type { ConnectRecord } from '../api/records.ts';
import { configureWith, nonEmptyString, toSpec, validRegex, type SpecFactory } from './config.ts';
import { ConfigException, invalidValue } from './errors.ts';
import { compileJavaRegex, javaMatches, type JavaPattern } from './java-regex.ts';

/** The predicates of `org.apache.kafka.connect.transforms.predicates` (KIP-585), for `transforms.<a>.predicate`. */
abstract class BasePredicate implements Predicate {
  protected abstract readonly keys: SpecFactory;
  config(): ConfigSpec {
    return toSpec(this.keys);
  }
  configure(props: Props): void {
    this.setup(configureWith(this.keys, props).parsed.values as Record<string, string>);
  }
  protected abstract setup(values: Record<string, string>): void;
  abstract test(record: ConnectRecord): boolean;
  close(): void {}
}

/** `TopicNameMatches`: the whole topic name matches `pattern`. */
export class TopicNameMatches extends BasePredicate {
  protected readonly keys: SpecFactory = (p) => [
    {
      name: `${p}pattern`,
      type: 'STRING',
      importance: 'MEDIUM',
      documentation: "A Java regular expression for matching against the name of a record's topic.",
      validate: (value) => nonEmptyString('pattern')(value) ?? validRegex('pattern')(value),
    },
  ];
  private pattern: JavaPattern | null = null;

  protected setup(values: Record<string, string>): void {
    try {
      this.pattern = compileJavaRegex(values.pattern!);
    } catch (error) {
      throw new ConfigException(
        invalidValue(
          'pattern',
          values.pattern,
          `entry must be a Java-compatible regular expression: ${(error as Error).message}`,
        ),
      );
    }
  }

  test(record: ConnectRecord): boolean {
    return record.topic !== null && javaMatches(this.pattern!, record.topic);
  }
}

/** `HasHeaderKey`: at least one header with the name. */
export class HasHeaderKey extends BasePredicate {
  protected readonly keys: SpecFactory = (p) => [
    {
      name: `${p}name`,
      type: 'STRING',
      importance: 'MEDIUM',
      documentation: 'The header name.',
      validate: nonEmptyString('name'),
    },
  ];
  private name = '';

  protected setup(values: Record<string, string>): void {
    this.name = values.name!;
  }

  test(record: ConnectRecord): boolean {
    return record.headers.some((header) => header.key === this.name);
  }
}

/** `RecordIsTombstone`: the value is null. */
export class RecordIsTombstone extends BasePredicate {
  protected readonly keys: SpecFactory = () => [];
  protected setup(): void {}
  test(record: ConnectRecord): boolean {
    return record.value === null || record.value === undefined;
  }
}
