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
  /** The JMX exporter agent on the stack's own broker (infra/jmx): `{url}/metrics`, Prometheus text. */
  jmxExporterUrl?: string;
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
  /** Apache Kafka Connect's JMX exporter agent (infra/jmx): `{url}/metrics`, Prometheus text. */
  jmxExporterUrl?: string;
}

export interface SchemaRegistryEntry {
  pid?: number;
  url: string;
  /** Basic-auth credentials (Confluent Cloud's API key and secret), when the registry demands them. */
  apiKey?: string;
  apiSecret?: string;
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
  'schema-registry'?: SchemaRegistryEntry;
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HackError(`${file} is not valid JSON.`, {
      fix: 'Run `npx hack down` to stop what is recorded there and remove it, then `npx hack up`.',
      cause: error,
    });
  }
  return asStackFile(parsed, file);
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

/**
 * The shape of `.hack/stack.json`, checked where the file is read back (not trusted as `JSON.parse(…) as T`): a
 * hand-edited or half-upgraded file fails with the field that is wrong, not later with `undefined` somewhere
 * else. Open by design: services not named here (mysql, postgres, …) only need to be objects with an optional
 * numeric `pid`; their other fields are theirs.
 */
const profiles = ['local', 'containers', 'external'];

/** Required string fields of the services every command reads. */
const requiredFields: Record<string, string[]> = {
  kafka: ['bootstrapServers'],
  cosmos: ['endpoint', 'key'],
  search: ['endpoint', 'adminKey', 'queryKey'],
  connect: ['url'],
  opensearch: ['url'],
};

/** The first problem of a parsed stack file, or undefined when it has the documented shape. */
export function stackFileProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'it is not a JSON object';
  if (typeof value.profile !== 'string' || !profiles.includes(value.profile))
    return `"profile" is ${JSON.stringify(value.profile)}, not one of ${profiles.join(', ')}`;
  if (typeof value.startedAt !== 'string') return '"startedAt" is not a string';
  if (!isObject(value.services)) return '"services" is not an object';
  for (const [name, entry] of Object.entries(value.services)) {
    if (entry === undefined) continue;
    if (!isObject(entry)) return `services.${name} is not an object`;
    if (entry.pid !== undefined && !(Number.isInteger(entry.pid) && (entry.pid as number) > 0))
      return `services.${name}.pid is ${JSON.stringify(entry.pid)}, not a process id`;
    for (const field of requiredFields[name] ?? []) {
      if (typeof entry[field] !== 'string') return `services.${name}.${field} is missing or not a string`;
    }
  }
  return undefined;
}

/** A parsed stack file as a StackFile, or the HackError that says what is wrong and what to do. */
export function asStackFile(value: unknown, file: string): StackFile {
  const problem = stackFileProblem(value);
  if (problem) {
    throw new HackError(`${file} is not a stack file the harness wrote: ${problem}.`, {
      fix: 'Run `npx hack down` to stop what is recorded there and remove it, then `npx hack up`.',
    });
  }
  return value as StackFile;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
