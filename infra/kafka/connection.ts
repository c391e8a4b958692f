import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type IHeaders, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { UsageError } from '../errors.ts';
import './idle-timer-fix.ts';
import type { KafkaEntry } from '../stack/stack-file.ts';

/**
 * How the harness reaches Kafka in every profile. The code that talks to Kafka is the same for the local broker,
 * a container, Azure Event Hubs' Kafka endpoint or Confluent Cloud; only these settings differ.
 */
export interface KafkaConnection extends KafkaEntry {
  saslPassword?: string;
  sslCaFile?: string;
}

const protocols = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const mechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/**
 * Reads the connection from environment variables (or an env file's values):
 * KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
 * KAFKA_SASL_PASSWORD, KAFKA_SSL_CA_FILE — or, for Azure Event Hubs, EVENTHUBS_CONNECTION_STRING alone.
 */
export function kafkaConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaConnection | undefined {
  const eventHubs = env.EVENTHUBS_CONNECTION_STRING;
  if (eventHubs && !env.KAFKA_BOOTSTRAP_SERVERS) {
    const namespace = /Endpoint=sb:\/\/([^/;]+)/i.exec(eventHubs)?.[1];
    if (!namespace) {
      throw new UsageError(
        'EVENTHUBS_CONNECTION_STRING has no `Endpoint=sb://<namespace>.servicebus.windows.net/`.',
        {
          fix: 'Copy the connection string of a shared access policy from the Event Hubs namespace in the Azure portal.',
        },
      );
    }
    return {
      bootstrapServers: `${namespace}:9093`,
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'PLAIN',
      saslUsername: '$ConnectionString',
      saslPassword: eventHubs,
    };
  }
  if (!env.KAFKA_BOOTSTRAP_SERVERS) return undefined;
  const securityProtocol = (
    env.KAFKA_SECURITY_PROTOCOL ?? (env.KAFKA_SASL_USERNAME ? 'SASL_SSL' : 'PLAINTEXT')
  ).toUpperCase();
  if (!protocols.includes(securityProtocol)) {
    throw new UsageError(
      `KAFKA_SECURITY_PROTOCOL=${securityProtocol} is not one of ${protocols.join(', ')}.`,
    );
  }
  const connection: KafkaConnection = { bootstrapServers: env.KAFKA_BOOTSTRAP_SERVERS, securityProtocol };
  if (securityProtocol.startsWith('SASL')) {
    const mechanism = (env.KAFKA_SASL_MECHANISM ?? 'PLAIN').toUpperCase();
    if (!mechanisms.includes(mechanism)) {
      throw new UsageError(`KAFKA_SASL_MECHANISM=${mechanism} is not one of ${mechanisms.join(', ')}.`);
    }
    if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) {
      throw new UsageError(`${securityProtocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.`, {
        fix: 'Confluent Cloud: the API key and secret. Event Hubs: set EVENTHUBS_CONNECTION_STRING instead.',
      });
    }
    Object.assign(connection, {
      saslMechanism: mechanism,
      saslUsername: env.KAFKA_SASL_USERNAME,
      saslPassword: env.KAFKA_SASL_PASSWORD,
    });
  }
  if (env.KAFKA_SSL_CA_FILE) connection.sslCaFile = env.KAFKA_SSL_CA_FILE;
  return connection;
}

/** The stack.json entry: everything but the secret. */
export function kafkaEntryOf(connection: KafkaConnection): KafkaEntry {
  const { saslPassword: _password, sslCaFile: _ca, ...entry } = connection;
  return entry;
}

/** A stack.json entry back into a connection; the SASL password comes from the environment, never from the file. */
export function kafkaConnectionOf(entry: KafkaEntry, env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  const connection: KafkaConnection = { ...entry };
  if (entry.saslUsername) {
    const fromEnv = kafkaConnectionFromEnv(env);
    connection.saslPassword = fromEnv?.saslPassword ?? env.KAFKA_SASL_PASSWORD;
    if (!connection.saslPassword) {
      throw new UsageError('The stack uses SASL but no password is set.', {
        fix: 'Export KAFKA_SASL_PASSWORD (or EVENTHUBS_CONNECTION_STRING), or pass the same --env file again.',
      });
    }
  }
  return connection;
}

export function kafkajsConfig(connection: KafkaConnection, clientId: string): KafkaConfig {
  const protocol = connection.securityProtocol ?? 'PLAINTEXT';
  const ssl = protocol === 'SSL' || protocol === 'SASL_SSL';
  const config: KafkaConfig = {
    clientId,
    brokers: connection.bootstrapServers.split(',').map((broker) => broker.trim()),
    logLevel: logLevel.ERROR,
    logCreator: () => () => {}, // harness code reports errors itself; kafkajs' own lines only confuse participants
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 3000 },
    connectionTimeout: 5000,
  };
  if (ssl) config.ssl = connection.sslCaFile ? { ca: [readFileSync(connection.sslCaFile, 'utf8')] } : true;
  if (protocol.startsWith('SASL')) {
    config.sasl = {
      mechanism: (connection.saslMechanism ?? 'PLAIN').toLowerCase(),
      username: connection.saslUsername ?? '',
      password: connection.saslPassword ?? '',
    } as SASLOptions;
  }
  return config;
}

export function kafkaClient(connection: KafkaConnection, clientId = 'connect-hack'): Kafka {
  return new Kafka(kafkajsConfig(connection, clientId));
}

/** A record's headers as UTF-8 strings, first value per name (kafkajs gives Buffers, sometimes arrays of them). */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}
