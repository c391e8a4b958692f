import type { SearchField } from '@azure/search-documents';

/**
 * A Kafka Connect pipeline between Cosmos DB, Kafka and Azure AI Search as data: what must exist (databases,
 * containers and their partition keys, topics, indexes), which flows the participant's connectors must make
 * work, and which connector classes fill each role. Challenge 03 is built from one (its `challenge.ts`); its lint,
 * steps, check graph and hints all read the same spec.
 */
export interface ContainerSpec {
  name: string;
  /** The partition key path, e.g. `/category`. */
  partitionKey: string;
}

export interface IndexSpec {
  name: string;
  fields: SearchField[];
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

/** Cosmos container → Kafka topic (source connector). */
export interface CosmosToKafkaFlow {
  database: string;
  container: string;
  topic: string;
}

/** Kafka topic → Cosmos container (sink connector). */
export interface KafkaToCosmosFlow {
  topic: string;
  database: string;
  container: string;
}

/** Cosmos container → Search index (through Kafka: source then search sink). */
export interface CosmosToSearchFlow {
  database: string;
  container: string;
  topic: string;
  index: string;
}

export type ConnectorRole = 'cosmos-source' | 'cosmos-sink' | 'search-sink';

export interface PipelineSpec {
  id: string;
  slug: string;
  title: string;
  /** Folder with README.md, connectors/ (the participant's) and solution/ (the reference). */
  dir: string;
  topics: TopicSpec[];
  databases: Array<{ name: string; containers: ContainerSpec[] }>;
  indexes: IndexSpec[];
  flows: {
    cosmosToKafka: CosmosToKafkaFlow[];
    kafkaToCosmos: KafkaToCosmosFlow[];
    cosmosToSearch: CosmosToSearchFlow[];
  };
  /** Connector classes (any alias) that fill each role; lint and hints use them to find the connectors. */
  roles: Record<ConnectorRole, string[]>;
}
