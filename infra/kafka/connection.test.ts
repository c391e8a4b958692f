import { describe, expect, it } from 'vitest';
import { kafkaConnectionFromEnv, kafkaConnectionOf, kafkaEntryOf, kafkajsConfig } from './connection.ts';
import { serverProperties, newClusterId } from './broker.ts';

describe('kafkaConnectionFromEnv', () => {
  it('is undefined without a bootstrap address', () => {
    expect(kafkaConnectionFromEnv({})).toBeUndefined();
  });

  it('reads Confluent Cloud style SASL_SSL PLAIN settings', () => {
    const connection = kafkaConnectionFromEnv({
      KAFKA_BOOTSTRAP_SERVERS: 'pkc-1.westeurope.azure.confluent.cloud:9092',
      KAFKA_SASL_USERNAME: 'KEY',
      KAFKA_SASL_PASSWORD: 'SECRET',
    });
    expect(connection).toMatchObject({
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'PLAIN',
      saslUsername: 'KEY',
    });
    const config = kafkajsConfig(connection!, 'x');
    expect(config.ssl).toBe(true);
    expect(config.sasl).toEqual({ mechanism: 'plain', username: 'KEY', password: 'SECRET' });
  });

  it('derives everything from an Event Hubs connection string', () => {
    const secret =
      'Endpoint=sb://retail-hack.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc=';
    const connection = kafkaConnectionFromEnv({ EVENTHUBS_CONNECTION_STRING: secret });
    expect(connection).toEqual({
      bootstrapServers: 'retail-hack.servicebus.windows.net:9093',
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'PLAIN',
      saslUsername: '$ConnectionString',
      saslPassword: secret,
    });
  });

  it('supports SCRAM and rejects unknown protocols and mechanisms with the allowed values', () => {
    expect(
      kafkaConnectionFromEnv({
        KAFKA_BOOTSTRAP_SERVERS: 'b:9093',
        KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'p',
      }),
    ).toMatchObject({ securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'SCRAM-SHA-512' });
    expect(() =>
      kafkaConnectionFromEnv({ KAFKA_BOOTSTRAP_SERVERS: 'b:1', KAFKA_SECURITY_PROTOCOL: 'TLS' }),
    ).toThrow(/PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/);
    expect(() =>
      kafkaConnectionFromEnv({ KAFKA_BOOTSTRAP_SERVERS: 'b:1', KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }),
    ).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
  });

  it('keeps the password out of the stack entry and takes it back from the environment', () => {
    const connection = kafkaConnectionFromEnv({
      KAFKA_BOOTSTRAP_SERVERS: 'b:9093',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'top-secret',
    })!;
    const entry = kafkaEntryOf(connection);
    expect(JSON.stringify(entry)).not.toContain('top-secret');
    expect(kafkaConnectionOf(entry, { KAFKA_SASL_PASSWORD: 'top-secret' }).saslPassword).toBe('top-secret');
    expect(() => kafkaConnectionOf(entry, {})).toThrow(/no password is set/);
  });
});

describe('broker configuration', () => {
  it('makes KRaft cluster ids of 22 base64url characters', () => {
    const id = newClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newClusterId()).not.toBe(id);
    // One in 64 random ids starts with '-', which kafka-storage's argument parser takes for an option.
    const many = Array.from({ length: 2000 }, newClusterId);
    expect(many.some((candidate) => candidate.startsWith('-'))).toBe(false);
  });

  it('binds loopback only and sizes internal topics for one broker', () => {
    const text = serverProperties({ clusterId: 'x', port: 9092, controllerPort: 9093 }, '/data');
    expect(text).toContain('listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(text).toContain('advertised.listeners=PLAINTEXT://127.0.0.1:9092');
    expect(text).toContain('offsets.topic.replication.factor=1');
    expect(text).toContain('log.dirs=/data');
  });
});
