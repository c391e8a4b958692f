import { describe, expect, it } from 'vitest';
import { searchService } from './service.ts';
import type { StartContext } from '../stack/service.ts';

const context = (env: NodeJS.ProcessEnv): StartContext => ({
  profile: 'external',
  services: {},
  env,
  ephemeralPorts: false,
  progress: () => {},
});

describe('searchService in the external profile', () => {
  it('records the endpoint and keys from the environment without starting anything', async () => {
    const entry = await searchService.start(
      context({
        SEARCH_ENDPOINT: 'https://team1.search.windows.net/',
        SEARCH_ADMIN_KEY: 'admin',
        SEARCH_QUERY_KEY: 'query',
      }),
    );
    expect(entry).toEqual({
      endpoint: 'https://team1.search.windows.net',
      adminKey: 'admin',
      queryKey: 'query',
    });
    expect(searchService.describe(entry)).toBe('https://team1.search.windows.net');
  });

  it('says which variables are missing', async () => {
    await expect(searchService.start(context({ SEARCH_ENDPOINT: 'https://x' }))).rejects.toThrow(
      /SEARCH_ADMIN_KEY/,
    );
  });
});
