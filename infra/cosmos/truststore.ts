import { certificateTruststore } from '../java/truststore.ts';

export { truststorePassword } from '../java/truststore.ts';

/**
 * The truststore with the emulator's certificate, for Java clients — MongoDB's Kafka connector (through cosmos-mongo) takes it as
 * `connection.ssl.truststore`.
 */
export function emulatorTruststore(certificateFile: string): Promise<string> {
  return certificateTruststore(certificateFile, 'cosmos-emulator');
}
