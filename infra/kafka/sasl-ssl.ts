import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A SASL_SSL listener on the local broker — the shape of Azure Event Hubs' and Confluent Cloud's Kafka endpoints
 * (TLS with SASL PLAIN or SCRAM) — so coach mode (`verify --env` with KAFKA_SASL_* and KAFKA_SSL_CA_FILE) is
 * proven here without a cloud. The harness makes its own certificate authority; clients trust it through
 * KAFKA_SSL_CA_FILE.
 */
export interface SaslSslListener {
  port: number;
  /** User name → password; each works with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512. */
  users: Record<string, string>;
}

export interface ListenerCertificates {
  /** The CA certificate clients trust (PEM). */
  caFile: string;
  /** The broker's key (PKCS#8) and certificate chain, a PEM keystore as Kafka reads it. */
  keystoreFile: string;
}

/** A CA and a broker certificate for 127.0.0.1/localhost signed by it, made once per data dir. */
export async function listenerCertificates(dir: string): Promise<ListenerCertificates> {
  const caFile = join(dir, 'ca.pem');
  const keystoreFile = join(dir, 'broker-keystore.pem');
  if (existsSync(caFile) && existsSync(keystoreFile)) return { caFile, keystoreFile };
  mkdirSync(dir, { recursive: true });
  const { generate } = await import('selfsigned'); // only when a certificate is made: its load is ~0.1 s
  const ca = await generate([{ name: 'commonName', value: 'connect-hack local CA' }], {
    algorithm: 'sha256',
    ...validity(),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true },
    ],
  });
  const broker = await generate([{ name: 'commonName', value: 'localhost' }], {
    algorithm: 'sha256',
    ...validity(),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const key = createPrivateKey(broker.private).export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(caFile, ca.cert);
  writeFileSync(keystoreFile, `${key.trim()}\n${broker.cert.trim()}\n${ca.cert.trim()}\n`, { mode: 0o600 });
  return { caFile, keystoreFile };
}

const mechanisms = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** server.properties lines for the listener (the PLAINTEXT and CONTROLLER lines name it too). */
export function saslSslProperties(listener: SaslSslListener, certificates: ListenerCertificates): string[] {
  const plainUsers = Object.entries(listener.users)
    .map(([name, password]) => `user_${name}="${password}"`)
    .join(' ');
  return [
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    ...mechanisms.map(
      (mechanism) =>
        `listener.name.sasl_ssl.${mechanism.toLowerCase()}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    ),
    'listener.name.sasl_ssl.ssl.keystore.type=PEM',
    `listener.name.sasl_ssl.ssl.keystore.location=${certificates.keystoreFile}`,
  ];
}

/** `kafka-storage format` arguments that create the SCRAM credentials (KRaft keeps them in the metadata log). */
export function scramFormatArguments(listener: SaslSslListener): string[] {
  return Object.entries(listener.users).flatMap(([name, password]) =>
    mechanisms.map((mechanism) => `--add-scram=${mechanism}=[name=${name},password=${password}]`),
  );
}

function validity(): { notBeforeDate: Date; notAfterDate: Date } {
  const now = Date.now();
  return {
    notBeforeDate: new Date(now - 24 * 3600_000),
    notAfterDate: new Date(now + 5 * 365 * 24 * 3600_000),
  };
}
