import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readConnectorFiles } from '../../connectors/runtime/cli.ts';
import type { Finding } from '../challenge.ts';
import { pipelineProblem, SOURCE_CLASS } from './checks.ts';
import { AGGREGATE_TOPICS } from './order-service.ts';

/**
 * What can be known about the participant's folder without running anything: a MongoDB source connector per
 * aggregate type with the change stream pipeline Cosmos DB for MongoDB requires ($match, then $project), and a
 * consumer. Runtime behaviour (keys, payloads, order) is the checks' job.
 */
export function lintOutbox(dir: string): Finding[] {
  const findings: Finding[] = [];
  let files;
  try {
    files = readConnectorFiles(dir);
  } catch (error) {
    return [{ level: 'error', connector: 'challenge', message: (error as Error).message }];
  }
  const sources = files.filter((file) => file.config['connector.class'] === SOURCE_CLASS);
  if (sources.length === 0)
    findings.push({
      level: 'error',
      connector: 'challenge',
      message: `No connector config with connector.class ${SOURCE_CLASS} in ${dir}.`,
      fix: 'Add one per aggregate type (see the README).',
    });
  for (const { name, config } of sources) {
    for (const [key, value] of Object.entries(config))
      if (/\bTODO\b/.test(value))
        findings.push({ level: 'error', connector: name, key, message: `${key} is still a TODO: ${value}` });
    const problem = pipelineProblem(config.pipeline);
    if (problem && !/\bTODO\b/.test(config.pipeline ?? ''))
      findings.push({
        level: 'error',
        connector: name,
        key: 'pipeline',
        message: `${problem} Cosmos DB for MongoDB refuses any other change stream ("Change stream must be followed by a match and then a project stage").`,
        fix: 'pipeline: [{"$match": {"fullDocument.kind": "outbox", "fullDocument.aggregateType": "…"}}, {"$project": {"_id": 1, "fullDocument": 1, "ns": 1, "documentKey": 1}}]',
      });
    if (config['change.stream.full.document'] !== 'updateLookup')
      findings.push({
        level: 'warning',
        connector: name,
        key: 'change.stream.full.document',
        message: 'Cosmos DB for MongoDB reports changes with the whole document only as with updateLookup.',
        fix: 'change.stream.full.document=updateLookup',
      });
    if (config['publish.full.document.only'] !== 'true')
      findings.push({
        level: 'warning',
        connector: name,
        key: 'publish.full.document.only',
        message:
          'Without it each record is the whole change event (_id, ns, fullDocument…), not the outbox document.',
        fix: 'publish.full.document.only=true',
      });
  }
  const routed = sources.map((file) => file.config['topic.namespace.map'] ?? '').join(' ');
  for (const topic of Object.values(AGGREGATE_TOPICS))
    if (sources.length > 0 && !routed.includes(topic))
      findings.push({
        level: 'warning',
        connector: 'challenge',
        message: `No connector maps its events to ${topic} (topic.namespace.map).`,
        fix: 'One connector per aggregate type, each with its own $match and topic.namespace.map.',
      });
  if (!existsSync(join(dir, 'consumer.ts')))
    findings.push({
      level: 'error',
      connector: 'challenge',
      message: `${join(dir, 'consumer.ts')} does not exist: the consumer that keeps the read model cache.orders.`,
    });
  return findings;
}
