import type { Converter, HeaderConverter, Props, SchemaAndValue } from '../api/plugins.ts';
import { primitive } from '../data/builders.ts';
import { javaClassDescription } from '../data/java-values.ts';
import { DataException, type Schema, type SchemaType } from '../data/schema.ts';

/**
 * `org.apache.kafka.connect.converters.{Short,Integer,Long,Float,Double,Boolean}Converter`: Kafka's own
 * serializers (big-endian fixed width; boolean = one byte) behind the Converter interface.
 */
interface NumberFormat {
  type: SchemaType;
  javaName: string;
  size: number;
  write(view: DataView, value: unknown): boolean;
  read(view: DataView): unknown;
}

class NumberConverter implements Converter, HeaderConverter {
  constructor(private readonly format: NumberFormat) {}

  configure(_props: Props): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema !== null && schema.type !== this.format.type)
      throw new DataException(
        `Invalid schema type for ${this.format.javaName}Converter: ${schema.type.toUpperCase()}`,
      );
    if (value === null || value === undefined) return null;
    const bytes = new Uint8Array(this.format.size);
    if (!this.format.write(new DataView(bytes.buffer), value))
      throw new DataException(
        `Failed to serialize to ${this.format.javaName} (was ${javaClassDescription(value)}): `,
      );
    return bytes;
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    const schema = primitive(this.format.type, true);
    if (bytes === null) return { schema, value: null };
    if (bytes.length !== this.format.size)
      throw new DataException(
        `Failed to deserialize ${this.format.javaName.toLowerCase()}: Size of data received by ${this.format.javaName}Deserializer is not ${this.format.size}`,
      );
    return { schema, value: this.format.read(new DataView(bytes.buffer, bytes.byteOffset, bytes.length)) };
  }

  fromConnectHeader(topic: string, _key: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _key: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }
}

const isNumber = (value: unknown): value is number => typeof value === 'number';

export const numberFormats: Record<string, NumberFormat> = {
  Short: {
    type: 'int16',
    javaName: 'Short',
    size: 2,
    write: (v, x) => isNumber(x) && (v.setInt16(0, x), true),
    read: (v) => v.getInt16(0),
  },
  Integer: {
    type: 'int32',
    javaName: 'Integer',
    size: 4,
    write: (v, x) => isNumber(x) && (v.setInt32(0, x), true),
    read: (v) => v.getInt32(0),
  },
  Long: {
    type: 'int64',
    javaName: 'Long',
    size: 8,
    write: (v, x) => typeof x === 'bigint' && (v.setBigInt64(0, x), true),
    read: (v) => v.getBigInt64(0),
  },
  Float: {
    type: 'float32',
    javaName: 'Float',
    size: 4,
    write: (v, x) => isNumber(x) && (v.setFloat32(0, x), true),
    read: (v) => v.getFloat32(0),
  },
  Double: {
    type: 'float64',
    javaName: 'Double',
    size: 8,
    write: (v, x) => isNumber(x) && (v.setFloat64(0, x), true),
    read: (v) => v.getFloat64(0),
  },
  Boolean: {
    type: 'boolean',
    javaName: 'Boolean',
    size: 1,
    write: (v, x) => typeof x === 'boolean' && (v.setUint8(0, x ? 1 : 0), true),
    read: (v) => v.getUint8(0) !== 0,
  },
};

export function numberConverter(javaName: keyof typeof numberFormats): NumberConverter {
  return new NumberConverter(numberFormats[javaName]!);
}
