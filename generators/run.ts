import { ManifestBuilder, HASH_DESCRIPTION, type ManifestHeader } from './manifest.ts';
import type { Topic } from './model.ts';
import { generateScenario, SCENARIO_PARTS, type ScenarioOptions } from './scenario.ts';
import type { RecordWriter } from './writers/record-writer.ts';

export interface GenerationRequest {
  challenge: string;
  options: ScenarioOptions;
  /** `kafka`, `cosmos`, `jsonl` — recorded in the manifest. */
  target: string;
  /** The topics the writer gets; the manifest covers every topic of the scenario regardless. */
  topics: readonly Topic[];
  writer: RecordWriter;
  /** Where to write the manifest (none when left out). */
  manifestFile?: string;
  /** Called now and then with the number of records generated so far. */
  onProgress?: (generated: number) => void;
}

export interface GenerationSummary {
  /** Records handed to the writer, per topic. */
  written: Partial<Record<Topic, number>>;
  writtenTotal: number;
  /** Records of the whole scenario (what the manifest covers). */
  generated: number;
  manifestFile: string | undefined;
}

export function manifestHeader(
  challenge: string,
  options: ScenarioOptions,
  target: string,
  topics: readonly Topic[],
): ManifestHeader {
  return {
    version: 1,
    challenge,
    seed: options.seed,
    scale: options.scale,
    start: options.start,
    spanDays: options.spanDays,
    liveUpdates: options.liveUpdates,
    written: { target, topics: [...topics] },
    hash: HASH_DESCRIPTION,
  };
}

/**
 * Streams the scenario through the writer (only the selected topics) and the manifest (all of them). The writer
 * is closed — everything sent — before the manifest is written, so a manifest on disk means the data is out.
 */
export async function runGeneration(request: GenerationRequest): Promise<GenerationSummary> {
  const selected = new Set(request.topics);
  const manifest = new ManifestBuilder();
  const written: Partial<Record<Topic, number>> = {};
  let writtenTotal = 0;
  let generated = 0;
  try {
    try {
      for (const record of generateScenario(request.options, SCENARIO_PARTS)) {
        manifest.add(record);
        generated += 1;
        if (selected.has(record.topic)) {
          written[record.topic] = (written[record.topic] ?? 0) + 1;
          writtenTotal += 1;
          const waiting = request.writer.write(record);
          if (waiting) await waiting;
        }
        if ((generated & 0x3ff) === 0) request.onProgress?.(generated);
      }
    } finally {
      await request.writer.close();
    }
    if (request.manifestFile) {
      await manifest.writeTo(
        request.manifestFile,
        manifestHeader(request.challenge, request.options, request.target, request.topics),
      );
    }
  } finally {
    manifest.dispose();
  }
  return { written, writtenTotal, generated, manifestFile: request.manifestFile };
}
