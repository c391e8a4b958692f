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
    expect(findings.map((finding) => `${finding.key}: ${finding.message}`)).toEqual([
      'azure.cosmos.sink.id.strategy: Invalid value GuessStrategy for configuration azure.cosmos.sink.id.strategy: String must be one of: ProvidedInValueStrategy, ProvidedInKeyStrategy, FullKeyStrategy, TemplateStrategy, KafkaMetadataStrategy',
      'azure.cosmos.sink.containers.topicMap: No container is mapped for topic(s) returns',
    ]);
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

describe('hack lint: what a participant gets wrong', () => {
  it('names a misspelt connector class with the class meant, once', () => {
    const files = edit(solution(), 'search-sink', {
      'connector.class': 'io.confluent.connect.azure.search.AzureSearchSinkConector',
    });
    const findings = errors(files);
    expect(findings.map((finding) => finding.message)).toEqual([
      'io.confluent.connect.azure.search.AzureSearchSinkConector is not a connector this challenge uses — did you mean io.confluent.connect.azure.search.AzureSearchSinkConnector?',
    ]);
  });

  it('names a topic that does not exist, with the topic meant', () => {
    const sink = solution().find((file) => file.name === 'search-sink')!;
    const findings = errors(
      edit(solution(), 'search-sink', { topics: sink.config.topics!.replace('products', 'prodcts') }),
    );
    expect(findings.map((finding) => finding.message)).toContain(
      'topic prodcts does not exist in this challenge — did you mean products?',
    );
  });

  it('refuses an id strategy that makes new ids, and folds a gap in the topic map into one finding', () => {
    const map = solution()
      .find((file) => file.name === 'cosmos-sink')!
      .config['azure.cosmos.sink.containers.topicMap']!.replace('returns#returns,', '')
      .replace('purchases#purchases,', '');
    const findings = errors(
      edit(solution(), 'cosmos-sink', {
        'azure.cosmos.sink.id.strategy': 'KafkaMetadataStrategy',
        'azure.cosmos.sink.containers.topicMap': map,
      }),
    );
    expect(findings.filter((finding) => finding.key === 'azure.cosmos.sink.id.strategy')).toHaveLength(1);
    const mapFindings = findings.filter((finding) => finding.key === 'azure.cosmos.sink.containers.topicMap');
    expect(mapFindings).toHaveLength(1);
    expect(mapFindings[0]!.message).toMatch(/purchases.*returns/);
  });

  it('does not warn about azure.search.endpoint, which the local challenge needs, and requires it when missing', () => {
    expect(
      lintPipeline(pipeline03, solution()).filter((finding) => finding.key === 'azure.search.endpoint'),
    ).toEqual([]);
    const findings = errors(edit(solution(), 'search-sink', { 'azure.search.endpoint': undefined }));
    expect(findings.map((finding) => `${finding.key}: ${finding.message}`)).toEqual([
      'azure.search.endpoint: is not set, so the connector would call https://local-emulator.search.windows.net.',
    ]);
  });

  it('says nothing more about a key that is still a template placeholder', () => {
    const findings = errors(readConnectorFiles(join(pipeline03.dir, 'connectors')));
    expect(findings.every((finding) => finding.message.startsWith('still a placeholder'))).toBe(true);
  });
});
