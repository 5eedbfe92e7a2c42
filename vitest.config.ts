import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests with no services, and the integration/e2e suites that share one set of
// real Kafka/OpenSearch/Elasticsearch processes started once per run by the global setup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.unit.test.{ts,tsx}', 'src/**/*.unit.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/global-services.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
