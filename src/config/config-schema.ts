/** The ajv schema every config file is checked against at start; errors point at the offending key. */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    kafka: {
      type: 'object',
      additionalProperties: false,
      properties: {
        brokers: { type: 'array', items: { type: 'string', pattern: '^[^\\s:]+:\\d+$' }, minItems: 1 },
        clientId: { type: 'string', minLength: 1 },
        ssl: {
          anyOf: [
            { type: 'boolean' },
            {
              type: 'object',
              additionalProperties: false,
              properties: { caFile: { type: 'string' }, rejectUnauthorized: { type: 'boolean' } },
            },
          ],
        },
        sasl: {
          type: 'object',
          additionalProperties: false,
          required: ['mechanism', 'username', 'password'],
          properties: {
            mechanism: { enum: ['plain', 'scram-sha-256', 'scram-sha-512'] },
            username: { type: 'string' },
            password: { type: 'string' },
          },
        },
      },
    },
    search: {
      type: 'object',
      additionalProperties: false,
      properties: {
        engine: { enum: ['elasticsearch', 'opensearch'] },
        node: {
          anyOf: [
            { type: 'string', pattern: '^https?://' },
            { type: 'array', items: { type: 'string', pattern: '^https?://' }, minItems: 1 },
          ],
        },
        username: { type: 'string' },
        password: { type: 'string' },
        apiKey: { type: 'string' },
        caFile: { type: 'string' },
        rejectUnauthorized: { type: 'boolean' },
        retryBudget: {
          anyOf: [
            { type: 'integer', minimum: 0 },
            { type: 'string', pattern: '^\\s*(\\d+(\\.\\d+)?\\s*(ms|s|m|h)?|unbounded)\\s*$' },
          ],
        },
      },
    },
    contracts: { type: 'string' },
    models: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          module: { type: 'string', minLength: 1 },
          mappingFile: { type: 'string', minLength: 1 },
          topic: { type: 'string', minLength: 1 },
          consumerGroup: { type: 'string', minLength: 1 },
          indexBase: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' },
          smokeQueries: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'query'],
              additionalProperties: false,
              properties: { name: { type: 'string' }, query: { type: 'object' }, minHits: { type: 'integer', minimum: 0 } },
            },
          },
          gates: {
            type: 'object',
            additionalProperties: false,
            properties: {
              maxCountDrift: { type: 'number', minimum: 0 },
              maxChangedShare: { type: 'number', minimum: 0, maximum: 1 },
            },
          },
        },
      },
    },
  },
} as const;
