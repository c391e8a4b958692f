import { describe, expect, it } from 'vitest';
import {
  checkCompatibility,
  parseSchema,
  type CompatibilityLevel,
  type SchemaType,
} from './compatibility.ts';

/** Compatibility judgments, case by case against Confluent's documented rules for Avro and JSON Schema. */

const parse = (type: SchemaType, schema: unknown) => parseSchema(type, JSON.stringify(schema));

function verdict(
  type: SchemaType,
  previous: unknown[],
  candidate: unknown,
  level: CompatibilityLevel,
): string[] {
  return checkCompatibility(
    parse(type, candidate),
    previous.map((schema, index) => ({ version: index + 1, schema: parse(type, schema) })),
    level,
  );
}

const record = (fields: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'record',
  name: 'Purchase',
  namespace: 'retail',
  fields,
  ...extra,
});
const idField = { name: 'id', type: 'string' };

describe('Avro compatibility', () => {
  it('BACKWARD: a new field needs a default; removing a field is fine', () => {
    const v1 = record([idField, { name: 'quantity', type: 'int' }]);
    expect(
      verdict(
        'AVRO',
        [v1],
        record([idField, { name: 'quantity', type: 'int' }, { name: 'note', type: 'string' }]),
        'BACKWARD',
      ).join(),
    ).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
    expect(
      verdict(
        'AVRO',
        [v1],
        record([idField, { name: 'quantity', type: 'int' }, { name: 'note', type: 'string', default: '' }]),
        'BACKWARD',
      ),
    ).toEqual([]);
    expect(verdict('AVRO', [v1], record([idField]), 'BACKWARD')).toEqual([]);
  });

  it('FORWARD: removing a field without a default breaks old readers; FULL needs both directions', () => {
    const v1 = record([idField, { name: 'quantity', type: 'int' }]);
    expect(verdict('AVRO', [v1], record([idField]), 'FORWARD').join()).toContain(
      'READER_FIELD_MISSING_DEFAULT_VALUE',
    );
    const v1WithDefault = record([idField, { name: 'quantity', type: 'int', default: 1 }]);
    expect(verdict('AVRO', [v1WithDefault], record([idField]), 'FULL')).toEqual([]);
    expect(
      verdict(
        'AVRO',
        [v1],
        record([idField, { name: 'quantity', type: 'int' }, { name: 'x', type: 'string' }]),
        'FULL',
      ).join(),
    ).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
  });

  it('promotes int to long to double and string to bytes, never the other way', () => {
    const withQuantity = (type: unknown) => record([idField, { name: 'quantity', type }]);
    expect(verdict('AVRO', [withQuantity('int')], withQuantity('long'), 'BACKWARD')).toEqual([]);
    expect(verdict('AVRO', [withQuantity('int')], withQuantity('double'), 'BACKWARD')).toEqual([]);
    expect(verdict('AVRO', [withQuantity('long')], withQuantity('int'), 'BACKWARD').join()).toContain(
      'TYPE_MISMATCH',
    );
    expect(verdict('AVRO', [withQuantity('string')], withQuantity('bytes'), 'BACKWARD')).toEqual([]);
    expect(verdict('AVRO', [withQuantity('string')], withQuantity('int'), 'BACKWARD').join()).toContain(
      'TYPE_MISMATCH',
    );
  });

  it('unions, enums, names and fixed sizes', () => {
    const withField = (type: unknown) => record([idField, { name: 'x', type }]);
    expect(verdict('AVRO', [withField('string')], withField(['null', 'string']), 'BACKWARD')).toEqual([]);
    expect(
      verdict('AVRO', [withField(['null', 'string'])], withField('string'), 'BACKWARD').join(),
    ).toContain('MISSING_UNION_BRANCH');
    const colour = (symbols: string[], extra = {}) =>
      withField({ type: 'enum', name: 'Colour', symbols, ...extra });
    expect(verdict('AVRO', [colour(['RED'])], colour(['RED', 'BLUE']), 'BACKWARD')).toEqual([]);
    expect(verdict('AVRO', [colour(['RED', 'BLUE'])], colour(['RED']), 'BACKWARD').join()).toContain(
      'MISSING_ENUM_SYMBOLS',
    );
    expect(
      verdict('AVRO', [colour(['RED', 'BLUE'])], colour(['RED', 'OTHER'], { default: 'OTHER' }), 'BACKWARD'),
    ).toEqual([]);
    expect(
      verdict('AVRO', [record([idField])], { ...record([idField]), name: 'Sale' }, 'BACKWARD').join(),
    ).toContain('NAME_MISMATCH');
    expect(
      verdict(
        'AVRO',
        [record([idField])],
        { ...record([idField]), name: 'Sale', aliases: ['Purchase'] },
        'BACKWARD',
      ),
    ).toEqual([]);
    const hash = (size: number) => withField({ type: 'fixed', name: 'Hash', size });
    expect(verdict('AVRO', [hash(16)], hash(32), 'BACKWARD').join()).toContain('FIXED_SIZE_MISMATCH');
  });

  it('handles recursive records', () => {
    const node = {
      type: 'record',
      name: 'Node',
      fields: [{ name: 'next', type: ['null', 'Node'], default: null }],
    };
    expect(verdict('AVRO', [node], node, 'FULL')).toEqual([]);
  });

  it('checks only the latest version unless transitive', () => {
    const v1 = record([idField, { name: 'a', type: 'string' }]);
    const v2 = record([idField, { name: 'a', type: 'string', default: '' }]);
    const v3 = record([idField]); // forward-compatible with v2 (a has a default there), not with v1
    expect(verdict('AVRO', [v1, v2], v3, 'FORWARD')).toEqual([]);
    const transitive = verdict('AVRO', [v1, v2], v3, 'FORWARD_TRANSITIVE');
    expect(transitive.join()).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
    expect(transitive).toContain('{oldSchemaVersion: 1}');
    expect(verdict('AVRO', [v1], record([{ name: 'other', type: 'int' }]), 'NONE')).toEqual([]);
  });

  it('refuses invalid Avro with the parser\u2019s reason', () => {
    expect(() => parse('AVRO', { type: 'record', name: 'X' })).toThrow(/Invalid schema/);
    expect(() => parse('AVRO', { type: 'nonsense' })).toThrow(/Invalid schema/);
  });
});

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});

describe('JSON Schema compatibility', () => {
  it('open content model: adding a property is incompatible, removing one is fine (BACKWARD)', () => {
    const v1 = object({ id: { type: 'string' }, quantity: { type: 'integer' } });
    expect(
      verdict(
        'JSON',
        [v1],
        object({ id: { type: 'string' }, quantity: { type: 'integer' }, note: { type: 'string' } }),
        'BACKWARD',
      ).join(),
    ).toContain('PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    expect(verdict('JSON', [v1], object({ id: { type: 'string' } }), 'BACKWARD')).toEqual([]);
  });

  it('closed content model: adding an optional property is fine, removing one is incompatible', () => {
    const closed = (properties: Record<string, unknown>, extra = {}) =>
      object(properties, { additionalProperties: false, ...extra });
    const v1 = closed({ id: { type: 'string' } });
    expect(
      verdict('JSON', [v1], closed({ id: { type: 'string' }, note: { type: 'string' } }), 'BACKWARD'),
    ).toEqual([]);
    expect(
      verdict(
        'JSON',
        [v1],
        closed({ id: { type: 'string' }, note: { type: 'string' } }, { required: ['note'] }),
        'BACKWARD',
      ).join(),
    ).toContain('REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
    expect(
      verdict('JSON', [closed({ id: { type: 'string' }, note: { type: 'string' } })], v1, 'BACKWARD').join(),
    ).toContain('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
  });

  it('required, types, enums and bounds', () => {
    const v1 = object({ id: { type: 'string' }, rating: { type: 'integer', minimum: 1, maximum: 5 } });
    expect(verdict('JSON', [v1], { ...v1, required: ['id'] }, 'BACKWARD').join()).toContain(
      'REQUIRED_ATTRIBUTE_ADDED',
    );
    expect(verdict('JSON', [{ ...v1, required: ['id'] }], v1, 'BACKWARD')).toEqual([]);
    const rating = (schema: unknown) => object({ id: { type: 'string' }, rating: schema });
    expect(verdict('JSON', [v1], rating({ type: 'number', minimum: 1, maximum: 5 }), 'BACKWARD')).toEqual([]);
    expect(
      verdict('JSON', [rating({ type: 'number' })], rating({ type: 'integer' }), 'BACKWARD').join(),
    ).toContain('TYPE_NARROWED');
    expect(verdict('JSON', [v1], rating({ type: 'string' }), 'BACKWARD').join()).toContain('TYPE_CHANGED');
    expect(
      verdict('JSON', [v1], rating({ type: 'integer', minimum: 1, maximum: 4 }), 'BACKWARD').join(),
    ).toContain('MAXIMUM_DECREASED');
    expect(verdict('JSON', [v1], rating({ type: 'integer', minimum: 1, maximum: 10 }), 'BACKWARD')).toEqual(
      [],
    );
    const reason = (values: string[]) => object({ reason: { type: 'string', enum: values } });
    expect(verdict('JSON', [reason(['damaged'])], reason(['damaged', 'late']), 'BACKWARD')).toEqual([]);
    expect(verdict('JSON', [reason(['damaged', 'late'])], reason(['damaged']), 'BACKWARD').join()).toContain(
      'ENUM_ARRAY_NARROWED',
    );
    expect(verdict('JSON', [reason(['damaged', 'late'])], reason(['damaged']), 'FORWARD')).toEqual([]);
  });

  it('follows local $refs and checks array items', () => {
    const withRef = (itemType: string) => ({
      type: 'object',
      properties: { lines: { type: 'array', items: { $ref: '#/definitions/line' } } },
      definitions: { line: { type: 'object', properties: { quantity: { type: itemType } } } },
    });
    expect(verdict('JSON', [withRef('integer')], withRef('number'), 'BACKWARD')).toEqual([]);
    expect(verdict('JSON', [withRef('integer')], withRef('string'), 'BACKWARD').join()).toContain(
      '#/properties/lines/items/properties/quantity',
    );
  });

  it('refuses what is not a JSON Schema', () => {
    expect(() => parseSchema('JSON', '{"type":')).toThrow(/not JSON/);
    expect(() => parse('JSON', [1, 2])).toThrow(/object or a boolean/);
    expect(() => parse('JSON', { type: 'text' })).toThrow(/unknown type "text"/);
  });
});
