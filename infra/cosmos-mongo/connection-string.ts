import { mongoAccount } from './server.ts';

/**
 * A connection string shaped as the Azure portal shows Cosmos DB for MongoDB's (TLS, replica set `globaldb`,
 * no retryable writes, the account as user and its key as password). The emulator's certificate is
 * self-signed: clients trust `certificateFile` (Node: `tlsCAFile`; Java: a truststore) or skip the check.
 */
export function mongoConnectionString(
  host: string,
  port: number,
  key: string,
  account = mongoAccount,
): string {
  return (
    `mongodb://${encodeURIComponent(account)}:${encodeURIComponent(key)}@${host}:${port}/` +
    `?ssl=true&replicaSet=globaldb&retrywrites=false&maxIdleTimeMS=120000&appName=@${account}@`
  );
}

/** The connection string with its key replaced, for anything a person or a log may see. */
export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
