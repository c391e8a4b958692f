import type { Converter, HeaderConverter, Props, SchemaAndValue } from '../api/plugins.ts';
import { schemas } from '../data/builders.ts';
import { javaClassDescription } from '../data/java-values.ts';
import { DataException, type Schema } from '../data/schema.ts';

/** `org.apache.kafka.connect.converters.ByteArrayConverter`: bytes through untouched. */
export class ByteArrayConverter implements Converter, HeaderConverter {
  configure(_props: Props): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema !== null && schema.type !== 'bytes')
      throw new DataException(`Invalid schema type for ByteArrayConverter: ${schema.type.toUpperCase()}`);
    if (value === null || value === undefined) return null;
    if (!(value instanceof Uint8Array))
      throw new DataException(
        `ByteArrayConverter is not compatible with objects of type ${javaClassDescription(value)}`,
      );
    return value;
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    return { schema: schemas.OPTIONAL_BYTES, value: bytes };
  }

  fromConnectHeader(topic: string, _key: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _key: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}
