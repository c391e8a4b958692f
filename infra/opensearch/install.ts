import { join } from 'node:path';
import { projectRoot } from '../paths.ts';
import { buildJavaModule, type BuiltModule } from '../java/build.ts';
import { pomProperty, type ResolveOptions } from '../java/maven.ts';

export const openSearchModule = join(projectRoot, 'infra', 'opensearch', 'node');
export const openSearchPom = join(openSearchModule, 'pom.xml');
export const openSearchVersion = (): string => pomProperty(openSearchPom, 'opensearch.version');
export const openSearchCacheName = (): string => `opensearch-${openSearchVersion()}`;

/**
 * OpenSearch's jars (server, netty4 HTTP transport, analysis-common; ~45 MB from Maven Central) and our launcher,
 * compiled into the cache on first use: `hack install --opensearch`, or the first `hack up opensearch`.
 */
export function installOpenSearch(
  options: ResolveOptions = {},
): Promise<BuiltModule & { mainClass: string }> {
  return buildJavaModule(openSearchModule, openSearchCacheName(), options).then((built) => ({
    ...built,
    mainClass: pomProperty(openSearchPom, 'main.class'),
  }));
}
