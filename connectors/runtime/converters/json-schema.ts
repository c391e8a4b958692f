import { SchemaBuilderException } from '../data/builders.ts';
import { quoteJson, type JsonNode } from '../data/json.ts';
import { toJavaInt } from '../data/logical.ts';
import { DataException, type Schema } from '../data/schema.ts';
import { jsonTypeName } from './json-nodes.ts';

/**
 * JsonConverter's schema JSON (`asJsonSchema` / `asConnectSchema`): `type`, then `items` / `keys`+`values` /
 * `fields` (each field schema with an extra `"field"`), `optional`, `name`, `version`, `doc`, `parameters`,
 * `default` — in that key order — and Apache's messages for malformed schemas. Default values go through the
 * converter's own value conversion, handed in.
 */
export function schemaToJson(
  schema: Schema,
  cache: WeakMap<Schema, string>,
  valueJson: (schema: Schema, value: unknown) => string,
): string {
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;
  const parts: string[] = [`"type":"${jsonTypeName(schema.type)}"`];
  if (schema.type === 'array') parts.push(`"items":${schemaToJson(schema.valueSchema!, cache, valueJson)}`);
  if (schema.type === 'map') {
    parts.push(`"keys":${schemaToJson(schema.keySchema!, cache, valueJson)}`);
    parts.push(`"values":${schemaToJson(schema.valueSchema!, cache, valueJson)}`);
  }
  if (schema.type === 'struct') {
    const fields = (schema.fields ?? []).map((field) => {
      const inner = schemaToJson(field.schema, cache, valueJson);
      return `${inner.slice(0, -1)},"field":${quoteJson(field.name)}}`;
    });
    parts.push(`"fields":[${fields.join(',')}]`);
  }
  parts.push(`"optional":${schema.optional}`);
  if (schema.name !== undefined) parts.push(`"name":${quoteJson(schema.name)}`);
  if (schema.version !== undefined) parts.push(`"version":${schema.version}`);
  if (schema.doc !== undefined) parts.push(`"doc":${quoteJson(schema.doc)}`);
  if (schema.parameters !== undefined) {
    const params = Object.entries(schema.parameters).map(([k, v]) => `${quoteJson(k)}:${quoteJson(v)}`);
    parts.push(`"parameters":{${params.join(',')}}`);
  }
  if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
    parts.push(`"default":${valueJson(schema, schema.defaultValue)}`);
  }
  const json = `{${parts.join(',')}}`;
  cache.set(schema, json);
  return json;
}

export function schemaFromJson(
  node: JsonNode,
  toConnect: (schema: Schema, node: JsonNode) => unknown,
): Schema | null {
  if (node === null) return null;
  const type = node instanceof Map ? node.get('type') : undefined;
  if (typeof type !== 'string') throw new DataException("Schema must contain 'type' field");
  const json = node as Map<string, JsonNode>;
  let schema: Schema;
  switch (type) {
    case 'boolean':
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'string':
    case 'bytes':
      schema = { type, optional: false };
      break;
    case 'float':
      schema = { type: 'float32', optional: false };
      break;
    case 'double':
      schema = { type: 'float64', optional: false };
      break;
    case 'array': {
      const items = json.get('items');
      if (items === undefined || items === null)
        throw new DataException('Array schema did not specify the element type');
      schema = { type: 'array', optional: false, valueSchema: schemaFromJson(items, toConnect)! };
      break;
    }
    case 'map': {
      const keys = json.get('keys');
      if (keys === undefined) throw new DataException('Map schema did not specify the key type');
      const values = json.get('values');
      if (values === undefined) throw new DataException('Map schema did not specify the value type');
      schema = {
        type: 'map',
        optional: false,
        keySchema: schemaFromJson(keys, toConnect)!,
        valueSchema: schemaFromJson(values, toConnect)!,
      };
      break;
    }
    case 'struct': {
      const fields = json.get('fields');
      if (!Array.isArray(fields))
        throw new DataException('Struct schema\'s "fields" argument is not an array.');
      const seen = new Set<string>();
      schema = { type: 'struct', optional: false, fields: [] };
      for (const field of fields) {
        const name = field instanceof Map ? field.get('field') : undefined;
        if (typeof name !== 'string')
          throw new DataException("Struct schema's field name not specified properly");
        if (seen.has(name))
          throw new SchemaBuilderException(`Cannot create field because of field name duplication ${name}`);
        seen.add(name);
        schema.fields!.push({
          name,
          index: schema.fields!.length,
          schema: schemaFromJson(field, toConnect)!,
        });
      }
      break;
    }
    default:
      throw new DataException(`Unknown schema type: ${type}`);
  }
  schema.optional = json.get('optional') === true;
  const name = json.get('name');
  if (typeof name === 'string') schema.name = name;
  const version = json.get('version');
  if (typeof version === 'bigint') schema.version = toJavaInt(version);
  const doc = json.get('doc');
  if (typeof doc === 'string') schema.doc = doc;
  const params = json.get('parameters');
  if (params instanceof Map) {
    schema.parameters = {};
    for (const [k, v] of params) {
      if (typeof v !== 'string') throw new DataException('Schema parameters must have string values.');
      schema.parameters[k] = v;
    }
  }
  const fallback = json.get('default');
  if (fallback !== undefined) {
    const value = toConnect(schema, fallback);
    if (value !== null) schema.defaultValue = value;
  }
  return schema;
}
