import { describe, expect, it } from 'vitest';
import { pomModules, pomProperty } from '../java/maven.ts';
import { stackVariables } from '../stack/environment.ts';
import type { StackServices } from '../stack/stack-file.ts';
import { apacheConnectPom, connectPluginsPom } from './install.ts';
import { workerProperties, type ApacheWorkerOptions } from './worker.ts';

const options: ApacheWorkerOptions = {
  kafka: { bootstrapServers: '127.0.0.1:9092' },
  dir: '/tmp/x',
  logFile: '/tmp/x.log',
  port: 8093,
  groupId: 'connect-hack-apache',
  topicPrefix: 'connect-hack-apache',
  classpath: '',
  pluginPath: '/cache/plugins/libs',
};

describe('the apache-connect worker', () => {
  it('runs distributed with its own group and topics, both config providers and the plugin folders', () => {
    const props = workerProperties(options);
    expect(props).toMatchObject({
      'group.id': 'connect-hack-apache',
      'config.storage.topic': 'connect-hack-apache-configs',
      'offset.storage.topic': 'connect-hack-apache-offsets',
      'status.storage.topic': 'connect-hack-apache-status',
      'config.providers': 'env,file',
      'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'plugin.path': '/cache/plugins/libs',
      listeners: 'http://127.0.0.1:8093',
    });
    expect(props['security.protocol']).toBeUndefined();
  });

  it('reaches a SASL Kafka with the password left in the environment', () => {
    const props = workerProperties({
      ...options,
      kafka: {
        bootstrapServers: 'ns.servicebus.windows.net:9093',
        securityProtocol: 'SASL_SSL',
        saslMechanism: 'PLAIN',
        saslUsername: '$ConnectionString',
      },
    });
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      expect(props[`${prefix}security.protocol`]).toBe('SASL_SSL');
      expect(props[`${prefix}sasl.jaas.config`]).toContain('password="${env:KAFKA_SASL_PASSWORD}"');
    }
  });

  it('pins one module per plugin, on the same Kafka version as the worker', () => {
    expect(pomModules(connectPluginsPom)).toEqual([
      'debezium-mysql',
      'debezium-postgres',
      'mongo-kafka-connect',
      'connect-file',
    ]);
    expect(pomProperty(connectPluginsPom, 'kafka.version')).toBe(
      pomProperty(apacheConnectPom, 'kafka.version'),
    );
    expect(pomProperty(connectPluginsPom, 'debezium.version')).toBe('3.6.1.Final');
  });
});

describe('stackVariables', () => {
  it('names every endpoint and key of the stack as an env file would', () => {
    const env = stackVariables(<StackServices>{
      kafka: { pid: 1, bootstrapServers: '127.0.0.1:9092' },
      cosmos: { endpoint: 'https://127.0.0.1:8081', key: 'cosmos-key', tlsInsecure: true },
      search: { endpoint: 'http://127.0.0.1:8084', adminKey: 'admin', queryKey: 'query' },
      postgres: {
        url: 'postgresql://127.0.0.1:5433/hack',
        host: '127.0.0.1',
        port: 5433,
        user: 'hack',
        password: 'pw',
        database: 'hack',
      },
      'cosmos-mongo': {
        pid: 2,
        connectionString: 'mongodb://u:p@127.0.0.1:10255/?tls=true',
        truststoreFile: '/h/trust.p12',
        truststorePassword: 'changeit',
      },
      opensearch: { pid: 3, url: 'http://127.0.0.1:9200' },
    });
    expect(env).toEqual({
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
      COSMOS_ENDPOINT: 'https://127.0.0.1:8081',
      COSMOS_KEY: 'cosmos-key',
      COSMOS_TLS_INSECURE: 'true',
      SEARCH_ENDPOINT: 'http://127.0.0.1:8084',
      SEARCH_ADMIN_KEY: 'admin',
      SEARCH_QUERY_KEY: 'query',
      POSTGRES_URL: 'postgresql://127.0.0.1:5433/hack',
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: '5433',
      POSTGRES_USER: 'hack',
      POSTGRES_PASSWORD: 'pw',
      POSTGRES_DATABASE: 'hack',
      COSMOS_MONGO_CONNECTION_STRING: 'mongodb://u:p@127.0.0.1:10255/?tls=true',
      COSMOS_MONGO_TRUSTSTORE_FILE: '/h/trust.p12',
      COSMOS_MONGO_TRUSTSTORE_PASSWORD: 'changeit',
      OPENSEARCH_URL: 'http://127.0.0.1:9200',
    });
  });
});
