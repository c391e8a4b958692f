import type { HeaderConverter, Props, SchemaAndValue } from '../api/plugins.ts';
import type { Schema } from '../data/schema.ts';
import { convertToString, parseString } from '../data/values.ts';

/**
 * `org.apache.kafka.connect.storage.SimpleHeaderConverter`, the default header converter: writes
 * `Values.convertToString`, reads with `Values.parseString` (type inferred; unparsable → string).
 */
export class SimpleHeaderConverter implements HeaderConverter {
  configure(_props: Props): void {}

  fromConnectHeader(_topic: string, _key: string, schema: Schema | null, value: unknown): Uint8Array | null {
    const text = convertToString(schema, value);
    return text === null ? null : new TextEncoder().encode(text);
  }

  toConnectHeader(_topic: string, _key: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    const text = Buffer.from(bytes).toString('utf8');
    try {
      return parseString(text);
    } catch {
      return { schema: { type: 'string', optional: false }, value: text };
    }
  }
}
