import { existsSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { kafkaConnectionFromEnv, kafkaConnectionOf, type KafkaConnection } from '../kafka/connection.ts';
import { loadEnvFile } from './env-file.ts';
import { requireStack, type ConnectEntry, type CosmosEntry, type SearchEntry } from './stack-file.ts';

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

type Part = keyof typeof environmentVariables;

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

/** `--env FILE` (validated for what the challenge requires) when given, else the running stack. */
export function resolveEnvironment(envFile?: string, requires: readonly Part[] = []): Environment {
  if (envFile) return environmentFromFile(envFile, requires);
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
