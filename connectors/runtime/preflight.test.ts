import { describe, expect, it } from 'vitest';
import { defaultProviders, resolveConfig } from './config-providers.ts';
import { fieldErrors, findConnectorPlugin, firstLine } from './preflight.ts';
import { stackVariables } from '../../infra/stack/environment.ts';
import type { StackServices } from '../../infra/stack/stack-file.ts';

describe('hack connectors apply: preflight', () => {
  const plugins = [
    { class: 'io.debezium.connector.postgresql.PostgresConnector', type: 'source' },
    { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink' },
    { class: 'io.debezium.transforms.ExtractNewRecordState', type: 'transformation' },
  ];

  it('finds a connector class by full name, simple name or alias, and never a transform', () => {
    expect(
      findConnectorPlugin(plugins, 'io.debezium.connector.postgresql.PostgresConnector')?.class,
    ).toContain('Postgres');
    expect(findConnectorPlugin(plugins, 'FileStreamSink')?.class).toContain('FileStreamSink');
    expect(findConnectorPlugin(plugins, 'PostgresConnector')?.class).toContain('Postgres');
    expect(findConnectorPlugin(plugins, 'io.debezium.transforms.ExtractNewRecordState')).toBeUndefined();
  });

  it('collects the field errors of a validate answer (null values included, repeats once)', () => {
    expect(
      fieldErrors({
        name: 'x',
        error_count: 2,
        configs: [
          { value: { name: 'database.port', errors: ['An integer is expected', 'An integer is expected'] } },
          { value: { name: 'database.hostname', errors: [] } },
          { value: null },
          { value: { name: 'topic.prefix', errors: ['A value is required'] } },
        ],
      }),
    ).toEqual([
      { key: 'database.port', errors: ['An integer is expected'] },
      { key: 'topic.prefix', errors: ['A value is required'] },
    ]);
    expect(firstLine('java.lang.NullPointerException\n\tat io.debezium.X')).toBe(
      'java.lang.NullPointerException',
    );
  });

  it('our worker resolves the same ${env:…} configs from the stack variables it is started with', () => {
    const env = stackVariables(<StackServices>{
      postgres: {
        url: 'postgresql://h:5433/hack',
        host: 'h',
        port: 5433,
        user: 'u',
        password: 'secret',
        database: 'hack',
      },
    });
    expect(
      resolveConfig(
        { 'database.password': '${env:POSTGRES_PASSWORD}', port: '${env::POSTGRES_PORT}' },
        defaultProviders(env),
      ),
    ).toEqual({ 'database.password': 'secret', port: '5433' });
  });
});
