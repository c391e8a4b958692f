import { execFile } from 'node:child_process';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { javaExecutable } from './index.ts';

const run = promisify(execFile);

/** A truststore holds public certificates only: its password protects nothing secret (the JDK's is `changeit`). */
export const truststorePassword = 'changeit';

/**
 * A PKCS12 truststore holding one certificate, beside it, for JVM clients (`-Djavax.net.ssl.trustStore=…`, a
 * connector's `….ssl.truststore.location`). Made again only when the certificate is newer; written under another
 * name and renamed, so two processes asking at once never see half a file. Needs Java's keytool.
 */
export async function certificateTruststore(certificateFile: string, alias: string): Promise<string> {
  const truststore = join(dirname(certificateFile), `${alias}.truststore.p12`);
  if (existsSync(truststore) && statSync(truststore).mtimeMs >= statSync(certificateFile).mtimeMs)
    return truststore;
  const partial = `${truststore}.${process.pid}.partial`;
  rmSync(partial, { force: true });
  const keytool = join(dirname(javaExecutable()), 'keytool');
  await run(existsSync(keytool) ? keytool : 'keytool', [
    '-importcert',
    '-noprompt',
    '-alias',
    alias,
    '-file',
    certificateFile,
    '-keystore',
    partial,
    '-storetype',
    'PKCS12',
    '-storepass',
    truststorePassword,
  ]);
  renameSync(partial, truststore);
  return truststore;
}
