import { join } from 'node:path';
import { cacheHome } from '../paths.ts';
import { cacheProblem } from '../java/maven.ts';
import { openSearchCacheName, openSearchPom, openSearchVersion } from './install.ts';

/** A `hack doctor` check (the shape of infra/doctor's Check, which imports this file). */
interface CacheCheck {
  name: string;
  level: 'ok' | 'warn';
  detail: string;
  fix?: string;
}

/** The `opensearch` service's jars: missing is a warning (its first `hack up opensearch` resolves them). */
export function openSearchCacheCheck(): CacheCheck {
  const dir = join(cacheHome(), openSearchCacheName());
  const problem = cacheProblem(dir, openSearchPom);
  if (!problem)
    return { name: 'OpenSearch', level: 'ok', detail: `OpenSearch ${openSearchVersion()} cached in ${dir}` };
  return {
    name: 'OpenSearch',
    level: 'warn',
    detail: `${problem} (${dir})`,
    fix: '`npx hack install --opensearch` resolves it now (~45 MB from Maven Central); `npx hack up opensearch` does it on first start.',
  };
}
