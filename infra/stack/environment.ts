import { existsSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { kafkaConnectionFromEnv, kafkaConnectionOf, type KafkaConnection } from '../kafka/connection.ts';
import { databaseEnvironment } from '../databases/service.ts';
import { loadEnvFile } from './env-file.ts';
import {
  requireStack,
  type ConnectEntry,
  type CosmosEntry,
  type CosmosMongoEntry,
  type DatabaseEntry,
  type SchemaRegistryEntry,
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
  schemaRegistry?: SchemaRegistryEntry;
  /** Apache Kafka Connect (Debezium, MongoDB's connector): APACHE_CONNECT_URL. */
  apacheConnect?: ConnectEntry;
  /** A MySQL server (the stack's MariaDB): MYSQL_URL (or MYSQL_HOST, MYSQL_PORT), MYSQL_USER, MYSQL_PASSWORD. */
  mysql?: DatabaseEntry;
  /** Cosmos DB for MongoDB: COSMOS_MONGO_CONNECTION_STRING (COSMOS_MONGO_CA_FILE for a self-signed certificate). */
  cosmosMongo?: CosmosMongoEntry;
  /** A dashboard's panel endpoint (challenge 05's participant contract), from DASHBOARD_URL. */
  dashboard?: { url: string };
  /** OpenSearch: OPENSEARCH_URL. */
  opensearch?: { url: string };
}

export const environmentVariables = {
  cosmos: ['COSMOS_ENDPOINT', 'COSMOS_KEY'],
  search: ['SEARCH_ENDPOINT', 'SEARCH_ADMIN_KEY'],
  connect: ['CONNECT_URL'],
  schemaRegistry: ['SCHEMA_REGISTRY_URL'],
  apacheConnect: ['APACHE_CONNECT_URL'],
  mysql: ['MYSQL_USER', 'MYSQL_PASSWORD'],
  cosmosMongo: ['COSMOS_MONGO_CONNECTION_STRING'],
  opensearch: ['OPENSEARCH_URL'],
} as const;

/**
 * Reads an environment from variables (KAFKA_*, COSMOS_*, SEARCH_*, CONNECT_URL, SCHEMA_REGISTRY_URL with
 * SCHEMA_REGISTRY_API_KEY / SCHEMA_REGISTRY_API_SECRET for Confluent Cloud).
 */
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
  if (env.APACHE_CONNECT_URL) environment.apacheConnect = { url: env.APACHE_CONNECT_URL };
  if (env.COSMOS_MONGO_CONNECTION_STRING) {
    environment.cosmosMongo = {
      connectionString: env.COSMOS_MONGO_CONNECTION_STRING,
      ...(env.COSMOS_MONGO_CA_FILE ? { certificateFile: env.COSMOS_MONGO_CA_FILE } : {}),
    };
  }
  if (env.DASHBOARD_URL) environment.dashboard = { url: env.DASHBOARD_URL };
  if (env.OPENSEARCH_URL) environment.opensearch = { url: env.OPENSEARCH_URL.replace(/\/+$/, '') };
  if (env.SCHEMA_REGISTRY_URL) {
    environment.schemaRegistry = {
      url: env.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''),
      ...(env.SCHEMA_REGISTRY_API_KEY && env.SCHEMA_REGISTRY_API_SECRET
        ? { apiKey: env.SCHEMA_REGISTRY_API_KEY, apiSecret: env.SCHEMA_REGISTRY_API_SECRET }
        : {}),
    };
  }
  if (env.APACHE_CONNECT_URL) environment.apacheConnect = { url: env.APACHE_CONNECT_URL };
  const mysqlUrl = URL.canParse(env.MYSQL_URL ?? '') ? new URL(env.MYSQL_URL!) : undefined;
  const mysqlHost = env.MYSQL_HOST ?? mysqlUrl?.hostname;
  if (mysqlHost && env.MYSQL_USER && env.MYSQL_PASSWORD) {
    const port = Number(env.MYSQL_PORT ?? (mysqlUrl?.port || 3306));
    environment.mysql = {
      url: `mysql://${mysqlHost}:${port}`,
      host: mysqlHost,
      port,
      user: env.MYSQL_USER,
      password: env.MYSQL_PASSWORD,
    };
  }
  if (env.COSMOS_MONGO_CONNECTION_STRING) {
    environment.cosmosMongo = {
      connectionString: env.COSMOS_MONGO_CONNECTION_STRING,
      ...(env.COSMOS_MONGO_CA_FILE ? { certificateFile: env.COSMOS_MONGO_CA_FILE } : {}),
    };
  }
  return environment;
}

export type EnvironmentPart = keyof typeof environmentVariables;
type Part = EnvironmentPart;

const isUrl = (value: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/**
 * Every problem of an env file's variables at once — missing for a part the challenge needs, a URL that is not
 * one, a CA file that does not exist — so a coach fixes the file in one go, before anything is contacted.
 */
export function envProblems(env: NodeJS.ProcessEnv, requires: readonly Part[]): string[] {
  const problems: string[] = [];
  if (!env.KAFKA_BOOTSTRAP_SERVERS && !env.EVENTHUBS_CONNECTION_STRING)
    problems.push('KAFKA_BOOTSTRAP_SERVERS is missing (or EVENTHUBS_CONNECTION_STRING for Event Hubs).');
  else if (env.KAFKA_BOOTSTRAP_SERVERS?.split(',').some((broker) => !/^[^\s:/]+:\d+$/.test(broker.trim())))
    problems.push(
      `KAFKA_BOOTSTRAP_SERVERS must be host:port[,host:port…] (got ${env.KAFKA_BOOTSTRAP_SERVERS}).`,
    );
  if (env.KAFKA_SSL_CA_FILE && !existsSync(env.KAFKA_SSL_CA_FILE))
    problems.push(`KAFKA_SSL_CA_FILE names ${env.KAFKA_SSL_CA_FILE}, which does not exist.`);
  if (requires.includes('mysql') && !env.MYSQL_URL && !env.MYSQL_HOST)
    problems.push('MYSQL_URL (mysql://host:port) or MYSQL_HOST (with MYSQL_PORT) is missing.');
  else if (env.MYSQL_URL && !/^mysql:\/\/[^/\s]+/.test(env.MYSQL_URL))
    problems.push(`MYSQL_URL must be mysql://host:port (got ${env.MYSQL_URL}).`);
  for (const part of requires) {
    for (const name of environmentVariables[part]) {
      const value = env[name];
      if (!value) problems.push(`${name} is missing.`);
      else if (name.endsWith('_ENDPOINT') || name.endsWith('_URL')) {
        if (!isUrl(value)) problems.push(`${name} must be an http(s) URL (got ${value}).`);
      }
    }
  }
  return problems;
}

/** An env file read and validated for a challenge: every missing or malformed variable named in one error. */
export function environmentFromFile(file: string, requires: readonly Part[]): Environment {
  const env = loadEnvFile(file);
  const problems = envProblems(env, requires);
  if (problems.length > 0) {
    throw new UsageError(`${file} is not usable:\n  - ${problems.join('\n  - ')}`, {
      fix: 'See README, "Verifying a team environment", for the variables an env file sets.',
    });
  }
  return environmentFromVariables(env, file);
}

/** The `source` of the running stack's environment (an env file's is its path). */
export const stackSource = 'the running stack (.hack/stack.json)';

/** Whether an environment is the local stack's, not a team's env file. */
export const isLocalStack = (environment: Environment): boolean => environment.source === stackSource;

/** `--env FILE` (validated for what the challenge requires) when given, else the running stack. */
export function resolveEnvironment(envFile?: string, requires: readonly Part[] = []): Environment {
  if (envFile) return environmentFromFile(envFile, requires);
  const stack = requireStack();
  if (!stack.services.kafka) {
    throw new UsageError('The running stack has no Kafka.', { fix: 'Run `npx hack up --detach`.' });
  }
  return {
    source: stackSource,
    kafka: kafkaConnectionOf(stack.services.kafka),
    cosmos: stack.services.cosmos,
    search: stack.services.search,
    connect: stack.services.connect,
    schemaRegistry: stack.services['schema-registry'],
    apacheConnect: stack.services['apache-connect'] as ConnectEntry | undefined,
    mysql: stack.services.mysql,
    cosmosMongo: stack.services['cosmos-mongo'],
    opensearch: stack.services.opensearch as { url: string } | undefined,
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
