import { connectService } from '../../connectors/runtime/service.ts';
import { cosmosMongoService } from '../cosmos-mongo/service.ts';
import { apacheConnectService } from '../connect/service.ts';
import { cosmosService } from '../cosmos/service.ts';
import { mysqlService } from '../databases/mysql.ts';
import { openSearchService } from '../opensearch/service.ts';
import { postgresService } from '../databases/postgres.ts';
import { kafkaService } from '../kafka/service.ts';
import { otelService } from '../otel/service.ts';
import { metricsService } from '../metrics/service.ts';
import { schemaRegistryService } from '../schema-registry/service.ts';
import { searchService } from '../search/service.ts';
import type { ServiceDefinition } from './service.ts';

/**
 * The stack's services in start order: each may use the entries of those before it.
 * A new service is one line here plus its own `service.ts`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each definition has its own entry type
export const stackServices: ServiceDefinition<any>[] = [
  kafkaService,
  cosmosService,
  cosmosMongoService,
  searchService,
  mysqlService,
  postgresService,
  openSearchService,
  connectService,
  otelService,
  apacheConnectService,
  schemaRegistryService,
  metricsService,
];

export function findService(name: string): ServiceDefinition | undefined {
  return stackServices.find((service) => service.name === name);
}
