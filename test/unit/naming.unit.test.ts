import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCode, UsageError } from '../../src/core/errors.js';
import { didYouMean } from '../../src/core/naming/did-you-mean.js';
import { indexBaseProblem, indexNameProblem } from '../../src/core/naming/index-names.js';
import { assertIndexBase, assertIndexName, assertTopicName } from '../../src/core/naming/name-checks.js';
import { topicNameProblem } from '../../src/core/naming/topic-names.js';

describe('index names', () => {
  it.each(['product_search_v1_3f9c2a7b1e', 'product_search_current', 'a', 'orders-2026.11', 'x'.repeat(255), 'ünïcode'])(
    'accepts %s',
    (name) => {
      expect(indexNameProblem(name)).toBeUndefined();
    },
  );

  it.each([
    ['', /empty/],
    ['.', /reserved/],
    ['..', /reserved/],
    ['Product_search', /uppercase/],
    ['Ünï', /uppercase/],
    ['orders*', /"\*".*several indices/],
    ['orders?', /"\?".*several indices/],
    ['a,b', /",".*several indices/],
    ['a b', /a space/],
    ['a/b', /"\/"/],
    ['a\\b', /"\\"/],
    ['a"b', /"""/],
    ['a<b', /"<"/],
    ['a>b', /">"/],
    ['a|b', /"\|"/],
    ['a#b', /"#"/],
    ['a:b', /":"/],
    ['a\tb', /control character/],
    ['-a', /starts with "-"/],
    ['_a', /starts with "_"/],
    ['+a', /starts with "\+"/],
    ['.kibana', /starts with "\."/],
    ['x'.repeat(256), /255 bytes/],
    ['é'.repeat(128), /255 bytes/],
  ])('refuses %j', (name, why) => {
    expect(indexNameProblem(name)).toMatch(why);
  });
});

describe('index bases', () => {
  it.each(['product_search', 'orders', 'a-b_c', '0day'])('accepts %s', (base) => expect(indexBaseProblem(base)).toBeUndefined());
  it.each([
    ['orders*', /wildcard/],
    ['Orders', /uppercase/],
    ['a.b', /only lowercase letters, digits/],
    ['ünï', /only lowercase letters, digits/],
    ['x'.repeat(201), /200 bytes/],
  ])('refuses %j', (base, why) => expect(indexBaseProblem(base)).toMatch(why));
});

describe('topic names', () => {
  it.each(['product-events', 'a.b_c-D9', 'x'.repeat(249)])('accepts %s', (t) => expect(topicNameProblem(t)).toBeUndefined());
  it.each([
    ['', /empty/],
    ['.', /reserved/],
    ['..', /reserved/],
    ['bad topic', /a space/],
    ['a/b', /"\/"/],
    ['a*', /"\*"/],
    ['x'.repeat(250), /249 characters/],
  ])('refuses %j', (t, why) => expect(topicNameProblem(t)).toMatch(why));
});

describe('name assertions name their source and map to the right exit code', () => {
  it('a flag is a usage error naming the flag', () => {
    const err = catchIt(() => assertIndexName('prod*', { flag: '--to-index' }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toMatch(/^--to-index: "prod\*" is not a valid index name/);
    expect(err.suggestion).toMatch(/no wildcard/);
  });
  it('a config key is a config error naming the key and file', () => {
    const err = catchIt(() => assertIndexBase('orders*', { key: 'models.orders.indexBase', file: '/x/readmodel.config.json' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(ExitCode.config);
    expect(err.context).toMatchObject({ key: 'models.orders.indexBase', file: '/x/readmodel.config.json', value: 'orders*' });
  });
  it('topics', () => {
    expect(assertTopicName('ok.topic', { flag: '--topic' })).toBe('ok.topic');
    expect(catchIt(() => assertTopicName('no good', { flag: '--topic' })).message).toMatch(
      /--topic: "no good" is not a valid Kafka topic name/,
    );
  });
});

describe('did you mean', () => {
  const known = ['product-search', 'order-history'];
  it.each([
    ['product-serch', 'product-search'],
    ['productsearch', 'product-search'],
    ['Order-History', 'order-history'],
    ['order_histroy', 'order-history'],
    ['inventory', undefined],
    ['x', undefined],
  ])('%s -> %s', (name, guess) => expect(didYouMean(name, known)).toBe(guess));
  it('has nothing to offer without candidates', () => expect(didYouMean('a', [])).toBeUndefined());
});

function catchIt(f: () => unknown): UsageError {
  try {
    f();
  } catch (err) {
    return err as UsageError;
  }
  throw new Error('expected a throw');
}
