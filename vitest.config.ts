import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (no network, `*.test.ts`) and `integration` (`*.integration.test.ts`, real Kafka started
 * once per run by the global setup, our emulators and worker). `npm test` runs both.
 */
export default defineConfig({
  test: {
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: '.hack/test-results/junit.xml' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', 'node_modules/**', '.hack/**'],
          testTimeout: 10_000,
          // Unit tests first, then integration: vitest needs distinct group orders for projects whose worker
          // limits differ, and the fast feedback comes first.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.integration.test.ts'],
          exclude: ['node_modules/**', '.hack/**'],
          globalSetup: ['infra/testing/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          // Two cores: one broker plus two test files at a time keeps the machine responsive.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
