import { readConfig, type ConfigKey } from '../api/config.ts';
import type { Converter, HeaderConverter, Props, SchemaAndValue } from '../api/plugins.ts';
import { javaToString } from '../data/java-values.ts';
import { schemas } from '../data/builders.ts';
import { DataException, type Schema } from '../data/schema.ts';

/** The bytes as a Buffer without copying them (kafkajs hands us Buffers already). */
function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `StringConverterConfig`'s one key (also read from `key.`/`value.converter.encoding`, as before). */
const encodingKey = (isKey: boolean | undefined): ConfigKey => ({
  name: 'converter.encoding',
  type: 'STRING',
  default: 'UTF8',
  importance: 'HIGH',
  documentation: 'The name of the Java character set to use for encoding strings as byte arrays.',
  aliases: [isKey ? 'key.converter.encoding' : 'value.converter.encoding'],
});

/**
 * `org.apache.kafka.connect.storage.StringConverter`: writes `String.valueOf(value)` (Java's toString forms for
 * maps and structs) and reads every payload as an optional string.
 */
export class StringConverter implements Converter, HeaderConverter {
  private encoding: BufferEncoding = 'utf8';

  configure(props: Props, isKey?: boolean): void {
    const read = readConfig({ keys: [encodingKey(isKey)] }, props);
    const name = read.string('converter.encoding').toLowerCase().replace('-', '');
    const known: Record<string, BufferEncoding> = {
      utf8: 'utf8',
      utf16le: 'utf16le',
      iso88591: 'latin1',
      usascii: 'ascii',
    };
    const encoding = known[name];
    if (!encoding) throw new DataException(`Unsupported string encoding: ${name}`);
    this.encoding = encoding;
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    return new Uint8Array(Buffer.from(javaToString(value, schema), this.encoding));
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    return {
      schema: schemas.OPTIONAL_STRING,
      value: bytes === null ? null : bufferView(bytes).toString(this.encoding),
    };
  }

  fromConnectHeader(topic: string, _key: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _key: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}
