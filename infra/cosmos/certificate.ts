import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Certificate {
  cert: string;
  key: string;
  /** Where the PEM certificate is, for clients that trust it instead of skipping verification. */
  certificateFile: string;
}

/**
 * The emulator's TLS certificate: generated on first start (for localhost and 127.0.0.1) and kept in the data
 * dir, so clients that trusted it once keep trusting it across restarts.
 */
export async function emulatorCertificate(dataDir: string): Promise<Certificate> {
  const certificateFile = join(dataDir, 'cosmos-emulator.crt');
  const keyFile = join(dataDir, 'cosmos-emulator.key');
  if (existsSync(certificateFile) && existsSync(keyFile)) {
    return {
      cert: readFileSync(certificateFile, 'utf8'),
      key: readFileSync(keyFile, 'utf8'),
      certificateFile,
    };
  }
  const now = new Date();
  const { generate } = await import('selfsigned'); // only when a certificate is made: its load is ~0.1 s
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    // SHA-1 signatures are deprecated: Java's keytool warns on them when it builds a trust store.
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 24 * 3600 * 1000),
    notAfterDate: new Date(now.getTime() + 5 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
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
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certificateFile, pems.cert);
  return { cert: pems.cert, key: pems.private, certificateFile };
}
