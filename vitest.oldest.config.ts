import { defineConfig } from 'vitest/config';

// The smoke suite on the oldest supported engines (Kafka 3.9, OpenSearch 2.19, Elasticsearch 8.19), run
// by `npm test` after the main suite with its own services on their own ports (test/setup/oldest-services.ts).
export default defineConfig({
  test: {
    name: 'oldest',
    include: ['test/oldest/**/*.test.ts', 'test/integration/search-sink.contract.test.ts'],
    globalSetup: ['test/setup/oldest-services.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
