import type { CosmosClient } from '@azure/cosmos';
import { cosmosClient } from '../../infra/cosmos/client.ts';
import { ConnectException } from '../runtime/api/errors.ts';
import { ConfigReader, type ParsedConfig } from '../runtime/api/config.ts';
import { keys } from './spec.ts';

const loopback = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i;

/**
 * A Cosmos client from a parsed connector config, through the harness's one client factory. Loopback endpoints
 * are the local emulator, whose certificate is self-signed: only those skip certificate checks.
 */
export function cosmosClientFor(config: ParsedConfig, userAgentSuffix: string): CosmosClient {
  const read = new ConfigReader(config);
  const endpoint = read.string(keys.endpoint);
  const authType = read.string(keys.authType);
  if (authType !== 'MasterKey') {
    throw new ConnectException(`The ${authType} auth type is not supported by this implementation`, {
      fix: `Set ${keys.authType}=MasterKey and ${keys.accountKey}.`,
    });
  }
  const applicationName = read.string(keys.applicationName);
  return cosmosClient(
    { endpoint, key: read.password(keys.accountKey), tlsInsecure: loopback.test(endpoint) },
    { userAgentSuffix: applicationName ? `${userAgentSuffix} ${applicationName}` : userAgentSuffix },
  );
}

const transientStatuses = new Set([408, 410, 429, 449, 503]);
const transientCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** Worth retrying: timeout, gone, throttled, retry-with, unavailable, or the connection itself failed. */
export function isTransientError(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return transientStatuses.has(status);
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if ((typeof code === 'string' && transientCodes.has(code)) || name === 'TimeoutError') return true;
  // Whole bulk requests fail as plain Errors ("Bulk request errored with: …") that keep only the message.
  const message = (error as { message?: unknown } | null)?.message;
  return (
    typeof message === 'string' &&
    /Request rate is large|Service ?Unavailable|Request ?Timeout|ECONNRESET|socket hang up/i.test(message)
  );
}

/**
 * The HTTP status of an SDK error (`ErrorResponse.code`). Bulk failures arrive as plain `Error`s ("Bulk request
 * errored with: …") without a code; their diagnostics still name the status the gateway answered.
 */
export function statusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, statusCode, diagnostics } = error as {
    code?: unknown;
    statusCode?: unknown;
    diagnostics?: { clientSideRequestStatistics?: { gatewayStatistics?: Array<{ statusCode?: unknown }> } };
  };
  if (typeof code === 'number') return code;
  if (typeof statusCode === 'number') return statusCode;
  const gateway = diagnostics?.clientSideRequestStatistics?.gatewayStatistics ?? [];
  const last = gateway[gateway.length - 1]?.statusCode;
  return typeof last === 'number' && last >= 400 ? last : undefined;
}
