import { UsageError } from '../infra/errors.ts';
import { readStack, type CosmosEntry, type SearchEntry } from '../infra/stack/stack-file.ts';

/** Cosmos DB and Search for the dashboard: COSMOS_* and SEARCH_* variables when set, else the running stack. */
export function dashboardEnvironment(env: NodeJS.ProcessEnv): { cosmos: CosmosEntry; search: SearchEntry } {
  const stack = readStack()?.services;
  const cosmos: CosmosEntry | undefined =
    env.COSMOS_ENDPOINT && env.COSMOS_KEY
      ? {
          endpoint: env.COSMOS_ENDPOINT,
          key: env.COSMOS_KEY,
          tlsInsecure: env.COSMOS_TLS_INSECURE === 'true',
        }
      : stack?.cosmos;
  const search: SearchEntry | undefined =
    env.SEARCH_ENDPOINT && env.SEARCH_ADMIN_KEY
      ? {
          endpoint: env.SEARCH_ENDPOINT,
          adminKey: env.SEARCH_ADMIN_KEY,
          queryKey: env.SEARCH_QUERY_KEY || env.SEARCH_ADMIN_KEY,
        }
      : stack?.search;
  if (!cosmos || !search)
    throw new UsageError('The dashboard needs Cosmos DB and Azure AI Search.', {
      fix: 'Start them (`npx hack up cosmos search`) or set COSMOS_ENDPOINT, COSMOS_KEY, SEARCH_ENDPOINT and SEARCH_ADMIN_KEY.',
    });
  return { cosmos, search };
}

/** The variables that hand an environment's Cosmos DB and Search to a dashboard process. */
export function dashboardVariables(cosmos: CosmosEntry, search: SearchEntry): NodeJS.ProcessEnv {
  return {
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_TLS_INSECURE: String(Boolean(cosmos.tlsInsecure || cosmos.certificateFile)),
    SEARCH_ENDPOINT: search.endpoint,
    SEARCH_ADMIN_KEY: search.adminKey,
    SEARCH_QUERY_KEY: search.queryKey,
  };
}
