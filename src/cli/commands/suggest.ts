import { Command, InvalidArgumentError } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, indexNameOption, parsePositiveIntOption, withConnectionOptions, withHelp } from '../command-kit.js';
import { suggestText } from '../output/suggest-text.js';

const MAX_LIMIT = 100;

export function suggestCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('suggest')
      .summary('Autocomplete: what a prefix suggests, through the live alias')
      .description(
        'Autocomplete suggestions for a prefix, read through <model>_current (or --index): the documents whose\n' +
          'autocomplete fields (product-search: title and category) have words starting with the prefix, best first.\n' +
          'Every word but the last must match whole; the last as a prefix. On OpenSearch 3 (analysis-common) the\n' +
          'fields use edge n-grams with ASCII folding, so "cafe" finds "Café"; elsewhere indexed prefixes, no folding.',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .argument('<prefix>', 'what the user typed, e.g. "acme sma"')
      .option('--index <name>', 'read this index instead of the one behind the alias', indexNameOption('--index'))
      .option(`--limit <n>`, `suggestions to return (1-${MAX_LIMIT})`, parseLimit, 10),
  ).action(async (modelName, prefix, flags) => {
    const { connect } = await import('../connect.js');
    const { runSuggest } = await import('../../app/run-suggest.js');
    const c = await connect(io, flags);
    const model = await c.model(modelName);
    const sink = c.sink();
    try {
      const r = await runSuggest({ model, prefix, limit: flags.limit, ...(flags.index ? { index: flags.index } : {}) }, { sink });
      if (flags.json) return writeJson(io, r);
      io.stdout.write(suggestText(r));
    } finally {
      await sink.close();
    }
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: {
        0: 'answered (also with no suggestion)',
        1: 'the alias does not exist (ALIAS_MISSING) or the index has no autocomplete fields (NO_AUTOCOMPLETE)',
        2: 'usage (unknown model, a model without autocomplete, bad prefix or --limit, --index that does not exist)',
        3: 'config',
        6: 'search engine unavailable or its answer unreadable',
        8: 'the alias points at several indices',
      },
      examples: [
        'readmodel suggest product-search acm',
        'readmodel suggest product-search "acme sma" --limit 5',
        'readmodel suggest product-search head --index product_search_v1_3f9c2a7b1e --json',
      ],
      seeAlso: ['readmodel query', 'readmodel get'],
    }),
    io,
  );
}

function parseLimit(v: string): number {
  const n = parsePositiveIntOption('--limit')(v);
  if (n > MAX_LIMIT) throw new InvalidArgumentError(`--limit must be at most ${MAX_LIMIT}, got "${v}"`);
  return n;
}
