import { UsageError } from '../errors.ts';
import { kafkaConnectionFromEnv, kafkaConnectionOf, type KafkaConnection } from '../kafka/connection.ts';
import { databaseEnvironment } from '../databases/service.ts';
import { loadEnvFile } from './env-file.ts';
import {
  requireStack,
  type ConnectEntry,
  type CosmosEntry,
  type SearchEntry,
  type StackServices,
} from './stack-file.ts';

/**
 * The endpoints a command works against: the running local stack (stack.json) by default, or any environment —
 * a team's cloud Kafka, Cosmos DB, Search and Connect — described by an env file. The code that talks to the
 * services is the same either way.
 */
export interface Environment {
  /** Where the endpoints came from, for messages. */
  source: string;
  kafka: KafkaConnection;
  cosmos?: CosmosEntry;
  search?: SearchEntry;
  connect?: ConnectEntry;
}

export const environmentVariables = {
  cosmos: ['COSMOS_ENDPOINT', 'COSMOS_KEY'],
  search: ['SEARCH_ENDPOINT', 'SEARCH_ADMIN_KEY'],
  connect: ['CONNECT_URL'],
} as const;

/** Reads an environment from variables (KAFKA_*, COSMOS_*, SEARCH_*, CONNECT_URL). */
export function environmentFromVariables(env: NodeJS.ProcessEnv, source: string): Environment {
  const kafka = kafkaConnectionFromEnv(env);
  if (!kafka) {
    throw new UsageError(`${source} has no KAFKA_BOOTSTRAP_SERVERS (or EVENTHUBS_CONNECTION_STRING).`, {
      fix: 'See README, "Verifying a team environment", for the variables an env file sets.',
    });
  }
  const environment: Environment = { source, kafka };
  if (env.COSMOS_ENDPOINT && env.COSMOS_KEY) {
    environment.cosmos = {
      endpoint: env.COSMOS_ENDPOINT,
      key: env.COSMOS_KEY,
      tlsInsecure: env.COSMOS_TLS_INSECURE === 'true',
    };
  }
  if (env.SEARCH_ENDPOINT && env.SEARCH_ADMIN_KEY) {
    environment.search = {
      endpoint: env.SEARCH_ENDPOINT,
      adminKey: env.SEARCH_ADMIN_KEY,
      queryKey: env.SEARCH_QUERY_KEY ?? env.SEARCH_ADMIN_KEY,
    };
  }
  if (env.CONNECT_URL) environment.connect = { url: env.CONNECT_URL };
  return environment;
}

/** `--env FILE` when given, else the running stack. */
export function resolveEnvironment(envFile?: string): Environment {
  if (envFile) return environmentFromVariables(loadEnvFile(envFile), envFile);
  const stack = requireStack();
  if (!stack.services.kafka) {
    throw new UsageError('The running stack has no Kafka.', { fix: 'Run `npx hack up --detach`.' });
  }
  return {
    source: 'the running stack (.hack/stack.json)',
    kafka: kafkaConnectionOf(stack.services.kafka),
    cosmos: stack.services.cosmos,
    search: stack.services.search,
    connect: stack.services.connect,
  };
}

/** The services whose endpoints a worker receives (stackVariables): a worker starts after those of one `hack up`. */
export const endpointServices = [
  'kafka',
  'cosmos',
  'search',
  'mysql',
  'postgres',
  'cosmos-mongo',
  'opensearch',
];

/**
 * The running stack as environment variables — the names an env file uses (above), so a connector config that
 * says `${env:COSMOS_KEY}` or `${env:POSTGRES_PASSWORD}` runs unchanged on either worker and on a real cluster.
 * Both workers get these when they start; secrets travel this way and never through stack.json entries of the
 * workers, their logs or `describe`. Services without a dedicated mapping give `<NAME>_URL` and
 * `<NAME>_CONNECTION_STRING` from their `url` / `connectionString` (`cosmos-mongo` → COSMOS_MONGO_CONNECTION_STRING).
 */
export function stackVariables(services: StackServices): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: string | boolean | undefined): void => {
    if (value !== undefined && value !== '') env[name] = String(value);
  };
  const { kafka, cosmos, search } = services;
  if (kafka) {
    set('KAFKA_BOOTSTRAP_SERVERS', kafka.bootstrapServers);
    set('KAFKA_SECURITY_PROTOCOL', kafka.securityProtocol);
    set('KAFKA_SASL_MECHANISM', kafka.saslMechanism);
    set('KAFKA_SASL_USERNAME', kafka.saslUsername);
  }
  if (cosmos) {
    set('COSMOS_ENDPOINT', cosmos.endpoint);
    set('COSMOS_KEY', cosmos.key);
    set('COSMOS_TLS_INSECURE', cosmos.tlsInsecure);
  }
  if (search) {
    set('SEARCH_ENDPOINT', search.endpoint);
    set('SEARCH_ADMIN_KEY', search.adminKey);
    set('SEARCH_QUERY_KEY', search.queryKey);
  }
  Object.assign(env, databaseEnvironment(services));
  const mapped = new Set(['kafka', 'cosmos', 'search', 'mysql', 'postgres']);
  for (const [name, entry] of Object.entries(services)) {
    if (!entry || mapped.has(name)) continue;
    const prefix = name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    const { url, connectionString, truststoreFile, truststorePassword } = entry as Record<string, string>;
    set(`${prefix}_URL`, url);
    set(`${prefix}_CONNECTION_STRING`, connectionString);
    // A local emulator's certificate for Java clients (cosmos-mongo → COSMOS_MONGO_TRUSTSTORE_FILE / _PASSWORD).
    set(`${prefix}_TRUSTSTORE_FILE`, truststoreFile);
    set(`${prefix}_TRUSTSTORE_PASSWORD`, truststorePassword);
  }
  return env;
}
