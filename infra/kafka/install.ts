import { join } from 'node:path';
import { projectRoot } from '../paths.ts';
import { pomProperty, resolveClasspath, type Classpath } from '../java/maven.ts';

export const kafkaPom = join(projectRoot, 'infra', 'kafka', 'pom.xml');

export function kafkaVersion(): string {
  return pomProperty(kafkaPom, 'kafka.version');
}

/** The Apache Kafka server classpath, resolved with Maven into the cache on first use. */
export function installKafka(
  options: { force?: boolean; onProgress?: (message: string) => void } = {},
): Promise<Classpath> {
  return resolveClasspath(kafkaPom, `kafka-${kafkaVersion()}`, options);
}

export const kafkaToolsPom = join(projectRoot, 'infra', 'kafka', 'tools', 'pom.xml');

/**
 * Kafka's command-line tools (the classes behind kafka-console-producer.sh, kafka-console-consumer.sh,
 * kafka-topics.sh), in a cache of their own so the broker's classpath stays as it is.
 */
export function installKafkaTools(
  options: { force?: boolean; onProgress?: (message: string) => void } = {},
): Promise<Classpath> {
  return resolveClasspath(
    kafkaToolsPom,
    `kafka-tools-${pomProperty(kafkaToolsPom, 'kafka.version')}`,
    options,
  );
}
