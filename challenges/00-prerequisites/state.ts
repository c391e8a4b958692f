import { join } from 'node:path';
import { ConnectClient } from '../../connectors/runtime/connect-client.ts';
import { cosmosClient } from '../../infra/cosmos/client.ts';
import { runDoctor } from '../../infra/doctor/index.ts';
import { errorMessage } from '../../infra/errors.ts';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import { searchIndexClient } from '../../infra/search/client.ts';
import { environmentVariables, isLocalStack, type Environment } from '../../infra/stack/environment.ts';
import { localServiceFix, serviceProblem } from '../../verify/pipeline-state.ts';
import type { Observer } from '../challenge.ts';
import { registryClient } from '../01-data-definition/state.ts';
import {
  prerequisiteServices,
  type PrerequisiteService,
  type PrerequisitesState,
  type ServiceView,
} from './checks.ts';
import { answersFileName, readAnswers } from './sizing.ts';

/** The answers file the running `hack challenge 00` uses (theirs, solution/ or --connectors). */
let runAnswers: string | undefined;

export function useAnswers(path: string | undefined): void {
  runAnswers = path;
}

/**
 * The answers to check: the file this run uses, else SIZING_ANSWERS (a coach checking a team's file), else the
 * participant's own answers/ — never a file an earlier run left behind.
 */
export function answersPath(defaultDir: string): string {
  return runAnswers ?? process.env.SIZING_ANSWERS ?? join(defaultDir, answersFileName);
}

const variables: Record<PrerequisiteService, string> = {
  kafka: 'KAFKA_BOOTSTRAP_SERVERS',
  cosmos: environmentVariables.cosmos.join(' and '),
  search: environmentVariables.search.join(' and '),
  connect: environmentVariables.connect.join(''),
  'schema-registry': environmentVariables.schemaRegistry.join(''),
};

const names: Record<PrerequisiteService, string> = {
  kafka: 'Kafka',
  cosmos: 'Cosmos DB',
  search: 'Azure AI Search',
  connect: 'Kafka Connect',
  'schema-registry': 'the Schema Registry',
};

/** The fix for a service that does not answer: start it locally, or check the env file's variables. */
export function serviceFix(service: PrerequisiteService, environment: Environment): string {
  return isLocalStack(environment)
    ? localServiceFix(service)
    : `Check ${variables[service]} in ${environment.source}, and that ${names[service]} is deployed and reachable from this machine (firewall, private endpoint).`;
}

function missing(service: PrerequisiteService, environment: Environment): ServiceView {
  return {
    problem: `No ${names[service]} in ${environment.source}: ${isLocalStack(environment) ? `\`npx hack up ${service}\` starts it` : `set ${variables[service]}`}.`,
    details: [],
  };
}

/** Runs one probe; a failure becomes the service's problem with serviceProblem's sentence and the fix. */
async function probe(
  service: PrerequisiteService,
  environment: Environment,
  endpoint: string,
  credential: string,
  body: () => Promise<string[]>,
): Promise<ServiceView> {
  try {
    return { details: await body() };
  } catch (error) {
    const why = serviceProblem(
      names[service].replace(/^the /, 'The '),
      endpoint,
      error,
      environment,
      credential,
    );
    return {
      problem: /rejected the credential/.test(why) ? why : `${why} ${serviceFix(service, environment)}`,
      details: [],
    };
  }
}

async function readKafka(environment: Environment): Promise<ServiceView> {
  const endpoint = environment.kafka.bootstrapServers;
  return probe('kafka', environment, endpoint, 'KAFKA_SASL_PASSWORD', async () => {
    const admin = kafkaClient(environment.kafka, 'connect-hack-verify-00').admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('_'));
      const details = [
        `cluster ${cluster.clusterId}: ${cluster.brokers.length} broker(s), controller ${cluster.controller ?? 'unknown'}, ${topics.length} topic(s)`,
      ];
      if (cluster.brokers.length < 3)
        details.push(
          `${cluster.brokers.length} broker(s) cannot hold replication factor 3: fine for a workstation, not for the story's cluster`,
        );
      return details;
    } catch (error) {
      throw new Error(errorMessage(error).replace(/\.$/, ''));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  });
}

async function readCosmos(environment: Environment): Promise<ServiceView> {
  const entry = environment.cosmos;
  if (!entry) return missing('cosmos', environment);
  return probe('cosmos', environment, entry.endpoint, 'COSMOS_KEY', async () => {
    const client = cosmosClient(entry);
    try {
      const { resource: account } = await client.getDatabaseAccount();
      const { resources: databases } = await client.databases.readAll().fetchAll();
      return [
        `account at ${entry.endpoint}: consistency ${account?.consistencyPolicy ?? 'unknown'}, ${databases.length} database(s)`,
      ];
    } finally {
      client.dispose();
    }
  });
}

async function readSearch(environment: Environment): Promise<ServiceView> {
  const entry = environment.search;
  if (!entry) return missing('search', environment);
  return probe('search', environment, entry.endpoint, 'SEARCH_ADMIN_KEY', async () => {
    const indexes: string[] = [];
    for await (const name of searchIndexClient(entry).listIndexesNames()) indexes.push(name);
    return [`service at ${entry.endpoint}: ${indexes.length} index(es)`];
  });
}

async function readConnect(environment: Environment): Promise<ServiceView> {
  const entry = environment.connect;
  if (!entry) return missing('connect', environment);
  return probe('connect', environment, entry.url, 'CONNECT_URL', async () => {
    const client = new ConnectClient(entry.url);
    const root = await client.get<{ version?: string; kafka_cluster_id?: string }>('/');
    const plugins = await client.get<Array<{ class: string }>>('/connector-plugins');
    return [
      `worker at ${entry.url}: version ${root.version ?? 'unknown'}, Kafka cluster ${root.kafka_cluster_id ?? 'unknown'}, ${plugins.length} connector plugin(s)`,
    ];
  });
}

async function readRegistry(environment: Environment): Promise<ServiceView> {
  const entry = environment.schemaRegistry;
  if (!entry) return missing('schema-registry', environment);
  return probe('schema-registry', environment, entry.url, 'SCHEMA_REGISTRY_API_SECRET', async () => {
    const client = await registryClient(entry);
    const compatibility = await client.getDefaultCompatibility();
    const subjects = await client.getAllSubjects();
    return [
      `registry at ${entry.url}: default compatibility ${compatibility}, ${subjects.length} subject(s)`,
    ];
  });
}

const readers: Record<PrerequisiteService, (environment: Environment) => Promise<ServiceView>> = {
  kafka: readKafka,
  cosmos: readCosmos,
  search: readSearch,
  connect: readConnect,
  'schema-registry': readRegistry,
};

/**
 * Challenge 00's observer: `hack doctor` once (on the local stack only), every service probed through its
 * official client on each read, and the answers file re-read so an edit shows on the next poll.
 */
export async function observePrerequisites(
  environment: Environment,
  participantDir: string,
): Promise<Observer<PrerequisitesState>> {
  const workstation = isLocalStack(environment) ? await runDoctor() : undefined;
  return {
    read: async () => {
      const views = await Promise.all(prerequisiteServices.map((service) => readers[service](environment)));
      return {
        ...(workstation ? { workstation } : {}),
        services: Object.fromEntries(
          prerequisiteServices.map((service, index) => [service, views[index]!]),
        ) as Record<PrerequisiteService, ServiceView>,
        answers: readAnswers(answersPath(participantDir)),
      };
    },
    close: async () => {},
  };
}
