import { execFile } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { javaExecutable } from '../java/index.ts';

const run = promisify(execFile);

/** A truststore holds public certificates only: its password protects nothing secret (the JDK's is `changeit`). */
export const truststorePassword = 'changeit';

/**
 * A PKCS12 truststore with the emulator's certificate beside it, for Java clients — MongoDB's Kafka connector
 * takes it as `connection.ssl.truststore`. Made again when the certificate is newer. Needs Java's keytool.
 */
export async function emulatorTruststore(certificateFile: string): Promise<string> {
  const truststore = join(dirname(certificateFile), 'cosmos-emulator.truststore.p12');
  if (existsSync(truststore) && statSync(truststore).mtimeMs >= statSync(certificateFile).mtimeMs)
    return truststore;
  rmSync(truststore, { force: true });
  const keytool = join(dirname(javaExecutable()), 'keytool');
  await run(existsSync(keytool) ? keytool : 'keytool', [
    '-importcert',
    '-noprompt',
    '-alias',
    'cosmos-emulator',
    '-file',
    certificateFile,
    '-keystore',
    truststore,
    '-storetype',
    'PKCS12',
    '-storepass',
    truststorePassword,
  ]);
  return truststore;
}
