import { describe, expect, it, vi } from 'vitest';
import { fromNpmConfig } from './cli.ts';

describe('hack challenge under npm run', () => {
  it('takes the flags npm kept for itself (npm run challenge:04 --watch, no --)', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const options: { watch?: boolean; solution?: boolean; connectors?: string } = {};
      fromNpmConfig(options, {
        npm_lifecycle_event: 'challenge:04',
        npm_config_watch: 'true',
        npm_config_connectors: 'challenges/04-stream-processing/processor-java',
      });
      expect(options).toEqual({ watch: true, connectors: 'challenges/04-stream-processing/processor-java' });
      expect(String(write.mock.calls[0]?.[0])).toContain(
        'npm run challenge:04 -- --watch --connectors challenges/04-stream-processing/processor-java',
      );
    } finally {
      write.mockRestore();
    }
  });

  it('leaves options alone outside a challenge script', () => {
    const options: { watch?: boolean } = {};
    fromNpmConfig(options, { npm_lifecycle_event: 'test', npm_config_watch: 'true' });
    expect(options).toEqual({});
  });
});
