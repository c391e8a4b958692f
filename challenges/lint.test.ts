import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConnectorFiles, type ConnectorFile } from '../connectors/runtime/cli.ts';
import { pipeline03 } from './03-kafka-connect/pipeline.ts';
import { lintPipeline } from './lint.ts';

const solution = (): ConnectorFile[] => readConnectorFiles(join(pipeline03.dir, 'solution'));
const edit = (
  files: ConnectorFile[],
  name: string,
  changes: Record<string, string | undefined>,
): ConnectorFile[] =>
  files.map((file) => {
    if (file.name !== name) return file;
    const config = { ...file.config };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete config[key];
      else config[key] = value;
    }
    return { ...file, config };
  });
const errors = (files: ConnectorFile[]) =>
  lintPipeline(pipeline03, files).filter((finding) => finding.level === 'error');

describe('hack lint for challenge 03', () => {
  it('finds no error in the reference solution', () => {
    expect(errors(solution())).toEqual([]);
  });

  it('flags every TODO of the participant templates and the flows they leave uncovered', () => {
    const findings = errors(readConnectorFiles(join(pipeline03.dir, 'connectors')));
    const placeholders = findings.filter((finding) => finding.message.startsWith('still a placeholder'));
    expect(placeholders.map((finding) => `${finding.connector} ${finding.key}`)).toEqual(
      expect.arrayContaining([
        'cosmos-sink azure.cosmos.sink.containers.topicMap',
        'cosmos-sink azure.cosmos.sink.id.strategy',
        'cosmos-source azure.cosmos.source.containers.topicMap',
        'search-sink topics',
      ]),
    );
    expect(
      findings.some((finding) => finding.message === 'No Cosmos DB sink consumes topic purchases.'),
    ).toBe(true);
  });

  it('flags a sink writing into the source database as a loop, with the fix', () => {
    const findings = errors(edit(solution(), 'cosmos-sink', { 'azure.cosmos.sink.database.name': 'retail' }));
    const loop = findings.find((finding) => finding.key === 'azure.cosmos.sink.database.name');
    expect(loop?.message).toContain('a loop that never ends');
    expect(loop?.fix).toBe('Set azure.cosmos.sink.database.name=retail-sink.');
  });

  it('flags a topic the sink topic map leaves out, and an unknown id strategy', () => {
    const map = solution()
      .find((file) => file.name === 'cosmos-sink')!
      .config['azure.cosmos.sink.containers.topicMap']!.replace('returns#returns,', '');
    const findings = errors(
      edit(solution(), 'cosmos-sink', {
        'azure.cosmos.sink.containers.topicMap': map,
        'azure.cosmos.sink.id.strategy': 'GuessStrategy',
      }),
    );
    expect(findings.map((finding) => finding.message)).toEqual(
      expect.arrayContaining([
        'does not map topic returns to container returns.',
        'unknown id strategy GuessStrategy.',
      ]),
    );
  });

  it('warns about changeFeed.startFrom=Now and a search sink that keeps Cosmos system properties', () => {
    let files = edit(solution(), 'cosmos-source', { 'azure.cosmos.source.changeFeed.startFrom': 'Now' });
    files = edit(files, 'search-sink', {
      transforms: undefined,
      'transforms.dropSystemProperties.type': undefined,
      'transforms.dropSystemProperties.exclude': undefined,
    });
    const warnings = lintPipeline(pipeline03, files).filter((finding) => finding.level === 'warning');
    expect(warnings.some((finding) => finding.key === 'azure.cosmos.source.changeFeed.startFrom')).toBe(true);
    expect(
      warnings.some((finding) => finding.connector === 'search-sink' && finding.key === 'transforms'),
    ).toBe(true);
  });

  it('requires one connector per role', () => {
    const findings = errors(solution().filter((file) => file.name !== 'search-sink'));
    expect(findings.map((finding) => finding.message)).toContain('No Azure AI Search sink connector config.');
  });
});
