import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hackHome } from '../paths.ts';
import { HackError } from '../errors.ts';

/**
 * `.hack/stack.json`: the running stack, written by `hack up` and removed by `hack down`. Its shape is an
 * interface other parts (and people) rely on — see DESIGN.md. Extend it; do not rename fields.
 */
export type Profile = 'local' | 'containers' | 'external';

export interface KafkaEntry {
  pid?: number;
  containerId?: string;
  bootstrapServers: string;
  /** PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL. */
  securityProtocol?: string;
  saslMechanism?: string;
  /** The SASL password is never written here; it is read from KAFKA_SASL_PASSWORD when a client connects. */
  saslUsername?: string;
}

export interface CosmosEntry {
  pid?: number;
  endpoint: string;
  key: string;
  tlsInsecure?: boolean;
  /** PEM of the emulator's self-signed certificate, for clients that would rather trust it than skip checks. */
  certificateFile?: string;
  httpEndpoint?: string;
  /** The emulator's MongoDB wire-protocol port (the cosmos-mongo service). */
  mongoPort?: number;
}

export interface CosmosMongoEntry {
  /** The Cosmos emulator's pid when the listener is ours (it stops with the emulator). */
  pid?: number;
  /** Cosmos-shaped: `mongodb://<account>:<key>@host:port/?ssl=true&replicaSet=globaldb&retrywrites=false&…`. */
  connectionString: string;
  /** PEM of the certificate the listener presents, for clients that trust it (tlsCAFile, a Java truststore). */
  certificateFile?: string;
  tlsInsecure?: boolean;
  /** PKCS12 truststore with that certificate, for Java clients (`connection.ssl.truststore`), and its password. */
  truststoreFile?: string;
  truststorePassword?: string;
}

export interface SearchEntry {
  pid?: number;
  endpoint: string;
  adminKey: string;
  queryKey: string;
}

export interface ConnectEntry {
  pid?: number;
  url: string;
}

/**
 * A database of the stack (`mysql`, `postgres`). `password` is its one secret: kept out of `hack status`, logs and
 * messages; configs name it as `${stack:mysql.password}` or `${env:MYSQL_PASSWORD}`.
 */
export interface DatabaseEntry {
  pid?: number;
  /** `mysql://127.0.0.1:3307`, `postgresql://127.0.0.1:5433/hack`: no credentials in it. */
  url: string;
  host: string;
  port: number;
  /** A user with every privilege, replication included (what Debezium needs). */
  user: string;
  password: string;
  /** The database a client lands in: `hack` for postgres; none for mysql (name it in the SQL). */
  database?: string;
}

export interface StackServices {
  kafka?: KafkaEntry;
  cosmos?: CosmosEntry;
  search?: SearchEntry;
  connect?: ConnectEntry;
  'cosmos-mongo'?: CosmosMongoEntry;
  mysql?: DatabaseEntry;
  postgres?: DatabaseEntry;
  [other: string]: { pid?: number } | undefined;
}

export interface StackFile {
  profile: Profile;
  startedAt: string;
  services: StackServices;
}

export function stackFilePath(): string {
  return join(hackHome(), 'stack.json');
}

export function readStack(): StackFile | undefined {
  const file = stackFilePath();
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackFile;
  } catch (error) {
    throw new HackError(`${file} is not valid JSON.`, {
      fix: 'Run `npx hack down` to stop what is recorded there and remove it, then `npx hack up`.',
      cause: error,
    });
  }
}

/** The running stack, or a clear error naming the command that starts one. */
export function requireStack(): StackFile {
  const stack = readStack();
  if (!stack) {
    throw new HackError(`No stack is running (${stackFilePath()} does not exist).`, {
      fix: 'Start one with `npx hack up --detach`, or point the command at an environment with `--env FILE`.',
    });
  }
  return stack;
}

/** Written atomically (temp file + rename) so a reader never sees half a file. */
export function writeStack(stack: StackFile): void {
  const file = stackFilePath();
  mkdirSync(hackHome(), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(stack, null, 2)}\n`);
  renameSync(temp, file);
}

export function removeStack(): void {
  rmSync(stackFilePath(), { force: true });
}
