/**
 * The event generators: a seeded, consistent retail data set for the nine topics of the workshop, written to
 * Kafka, Cosmos DB or JSONL, with a manifest that verification compares against.
 */
export * from './model.ts';
export { canonicalJson, contentHash, entityFields } from './canonical.ts';
export { entitySchema, validateEntity, ID_PATTERN, TIME_PATTERN, type EntitySchema } from './schemas.ts';
export { parseScale, SCALES, type ScaleCounts, type ScaleName } from './scale.ts';
export {
  estimateRecords,
  generateCatalog,
  generateScenario,
  resolveScenario,
  DEFAULT_SPAN_DAYS,
  DEFAULT_START,
  SCENARIO_PARTS,
  type Catalog,
  type ScenarioInput,
  type ScenarioOptions,
  type ScenarioPart,
} from './scenario.ts';
export { liveUpdates, type CatalogUpdate } from './live-updates.ts';
export { TOP_N } from './top-products.ts';
export {
  ManifestBuilder,
  manifestIds,
  readManifest,
  type Manifest,
  type ManifestHeader,
  type ManifestTopic,
} from './manifest.ts';
export { manifestHeader, runGeneration, type GenerationRequest, type GenerationSummary } from './run.ts';
export * from './writers/index.ts';
export { registerGenerateCommands } from './cli.ts';
