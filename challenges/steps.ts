import { join } from 'node:path';
import { applyConnector, readConnectorFiles } from '../connectors/runtime/cli.ts';
import { ConnectClient } from '../connectors/runtime/connect-client.ts';
import { mark } from '../infra/console/style.ts';
import { errorMessage, HackError } from '../infra/errors.ts';
import type { RecordWriter } from '../generators/writers/record-writer.ts';
import type { ChallengeStep, StepContext } from './challenge.ts';

/**
 * Steps more than one challenge uses. A challenge lists its own steps in `challenge.ts`; these are the shared
 * building blocks (the participant's part as connector configs, writing generated records).
 */

/**
 * The participant's part as Kafka Connect configs: every file of the folder (`folder` inside the participant's
 * part, default the part itself) applied to our worker or, with 'apacheConnect', to Apache Kafka Connect; a
 * rejected one fails the step.
 */
export function applyConnectorsStep(
  service: 'connect' | 'apacheConnect' = 'connect',
  folder = '.',
): ChallengeStep {
  const dirOf = (context: StepContext): string => join(context.participantDir, folder);
  return {
    title: (context) =>
      `Apply ${readConnectorFiles(dirOf(context)).length} connector(s) from ${dirOf(context)}`,
    run: async (context: StepContext) => {
      const entry = context.environment[service];
      if (!entry)
        throw new HackError(
          `${context.environment.source} has no ${service === 'connect' ? 'Kafka Connect URL (CONNECT_URL)' : 'Apache Kafka Connect URL (APACHE_CONNECT_URL)'}.`,
        );
      const connect = new ConnectClient(entry.url);
      const files = readConnectorFiles(dirOf(context));
      const rejected: string[] = [];
      for (const file of files) {
        try {
          context.say(`  ${mark.ok()} ${file.name} ${await applyRetryingRebalance(connect, file)}`);
        } catch (error) {
          rejected.push(file.name);
          context.say(`  ${mark.fail()} ${file.name}: ${shortRejection(errorMessage(error))}`);
        }
      }
      if (rejected.length > 0)
        return { failed: `${rejected.length} of ${files.length} rejected (${rejected.join(', ')})` };
    },
  };
}

/**
 * Apache Kafka Connect answers 409 "a rebalance is expected" for a while after a connector was created (the
 * worker rejoins its group): such an answer is retried, for up to 30 s.
 */
async function applyRetryingRebalance(
  connect: ConnectClient,
  file: Parameters<typeof applyConnector>[1],
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyConnector(connect, file);
    } catch (error) {
      if (attempt >= 30 || !/rebalance/i.test(errorMessage(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Writes the records of the given topics (others skipped) and closes the writer; returns how many. */
export async function drain(
  writer: RecordWriter,
  records: Iterable<{ topic: string }>,
  topics: readonly string[],
): Promise<number> {
  let count = 0;
  try {
    for (const record of records) {
      if (!topics.includes(record.topic)) continue;
      const waiting = writer.write(record as Parameters<RecordWriter['write']>[0]);
      if (waiting) await waiting;
      count++;
    }
  } finally {
    await writer.close();
  }
  return count;
}

/** Kafka Connect appends every installed plugin (`PluginDesc{…}`) to an unknown class: the first sentence says it. */
export function shortRejection(message: string): string {
  const cut = message.search(/,? available connectors are:|PluginDesc\{/);
  return cut > 0 ? `${message.slice(0, cut).trim()} (\`npx hack lint\` suggests the class meant).` : message;
}
