import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_TOPICS, TOPICS, TOPIC_PARTITIONS, CATALOG_CONTAINERS } from '../../generators/model.ts';
import type { PipelineSpec, ContainerSpec } from '../spec.ts';

/**
 * Challenge 03 — Kafka Connect: a Cosmos DB source streams users and products into Kafka, a Cosmos DB sink writes
 * the nine retail topics into `retail-sink`, and an Azure AI Search sink makes users and products searchable.
 */
const sourceDatabase = 'retail';
const sinkDatabase = 'retail-sink';

/**
 * Sink containers are partitioned the way a retail team would query them (by user or product), not by `id`,
 * so a sink that assumes `/id` fails here as it would in production.
 */
const sinkPartitionKeys: Record<(typeof TOPICS)[number], string> = {
  users: '/id',
  products: '/category',
  purchases: '/userId',
  returns: '/userId',
  'inventory-replenishment': '/productId',
  'product-ratings': '/productId',
  'product-inventory-capacity': '/productId',
  'inventory-on-hand': '/productId',
  'top-5-products': '/id',
};

const sourceContainers: ContainerSpec[] = CATALOG_TOPICS.map((topic) => ({
  name: CATALOG_CONTAINERS[topic as keyof typeof CATALOG_CONTAINERS].container,
  partitionKey: CATALOG_CONTAINERS[topic as keyof typeof CATALOG_CONTAINERS].partitionKeyPath,
}));

export const pipeline03: PipelineSpec = {
  id: '03',
  slug: '03-kafka-connect',
  title: 'Kafka Connect: Cosmos DB source and sink, Azure AI Search sink',
  dir: dirname(fileURLToPath(import.meta.url)),
  topics: TOPICS.map((name) => ({ name, partitions: TOPIC_PARTITIONS })),
  databases: [
    { name: sourceDatabase, containers: sourceContainers },
    {
      name: sinkDatabase,
      containers: TOPICS.map((topic) => ({ name: topic, partitionKey: sinkPartitionKeys[topic] })),
    },
  ],
  indexes: [
    {
      name: 'users',
      fields: [
        { name: 'id', type: 'Edm.String', key: true, filterable: true },
        { name: 'fullName', type: 'Edm.String', searchable: true, sortable: true },
        { name: 'email', type: 'Edm.String', searchable: true, filterable: true },
        { name: 'country', type: 'Edm.String', searchable: true, filterable: true, facetable: true },
        { name: 'city', type: 'Edm.String', searchable: true, filterable: true, facetable: true },
        { name: 'createdAt', type: 'Edm.DateTimeOffset', filterable: true, sortable: true },
      ],
    },
    {
      name: 'products',
      fields: [
        { name: 'id', type: 'Edm.String', key: true, filterable: true },
        { name: 'name', type: 'Edm.String', searchable: true, sortable: true },
        { name: 'category', type: 'Edm.String', searchable: true, filterable: true, facetable: true },
        { name: 'sku', type: 'Edm.String', filterable: true },
        { name: 'unitPrice', type: 'Edm.Double', filterable: true, sortable: true, facetable: true },
        { name: 'createdAt', type: 'Edm.DateTimeOffset', filterable: true, sortable: true },
      ],
    },
  ],
  flows: {
    cosmosToKafka: sourceContainers.map((container) => ({
      database: sourceDatabase,
      container: container.name,
      topic: container.name,
    })),
    kafkaToCosmos: TOPICS.map((topic) => ({ topic, database: sinkDatabase, container: topic })),
    cosmosToSearch: sourceContainers.map((container) => ({
      database: sourceDatabase,
      container: container.name,
      topic: container.name,
      index: container.name,
    })),
  },
  roles: {
    'cosmos-source': [
      'com.azure.cosmos.kafka.connect.CosmosSourceConnector',
      'com.azure.cosmos.kafka.connect.source.CosmosDBSourceConnector',
    ],
    'cosmos-sink': [
      'com.azure.cosmos.kafka.connect.CosmosSinkConnector',
      'com.azure.cosmos.kafka.connect.sink.CosmosDBSinkConnector',
    ],
    'search-sink': ['io.confluent.connect.azure.search.AzureSearchSinkConnector'],
  },
};
