import { Command, InvalidArgumentError } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, indexNameOption, parseIntOption, withConnectionOptions, withHelp } from '../command-kit.js';
import { parseFilter } from '../../core/query/query-filter.js';
import { parseSort } from '../../core/query/query-sort.js';
import { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT } from '../../core/query/query-plan.js';
import { isReadmodelError } from '../../core/errors.js';

/** Syntax is checked while parsing argv (exit 2 before anything connects); fields against the index mapping later. */
function checked<T>(parse: (v: string) => T) {
  return (v: string): string => {
    try {
      parse(v);
      return v;
    } catch (err) {
      if (!isReadmodelError(err)) throw err;
      throw new InvalidArgumentError(`${err.message}${err.suggestion ? `; ${err.suggestion}` : ''}`);
    }
  };
}

function limitOption(v: string): number {
  const n = parseIntOption('--limit')(v);
  if (n > MAX_QUERY_LIMIT)
    throw new InvalidArgumentError(`--limit is at most ${MAX_QUERY_LIMIT} per page (page on with --offset), got ${n}`);
  return n;
}

export function queryCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('query')
      .summary('Query a read model through its alias: filters, sort, free text, paging, facets')
      .description(
        'Query a read model as its contract defines it, query(filters, order_by, limit, offset), through <model>_current ' +
          '(or --index). Fields are checked against the index mapping: only keyword, numeric, date and boolean fields filter ' +
          'and sort. Free text searches the text fields and orders by relevance unless --sort is given.',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .option(
        '--filter <field op value>',
        "repeatable, AND-ed: = != (comma-separated values: any of) < <= > >= (numbers and dates), e.g. 'price<100'",
        (v: string, acc: string[] = []) => [...acc, checked(parseFilter)(v)],
      )
      .option('--sort <fields>', 'comma-separated fields, "-" for descending, e.g. -rankingScore,price', checked(parseSort))
      .option('--text <words>', "free text over the model's text fields (all words must match), ordered by relevance")
      .option('--limit <n>', `hits per page, 0 to ${MAX_QUERY_LIMIT}`, limitOption, DEFAULT_QUERY_LIMIT)
      .option('--offset <n>', 'hits to skip (offset + limit at most 10000)', parseIntOption('--offset'), 0)
      .option('--index <index|alias>', 'read this index or alias instead of <model>_current', indexNameOption('--index'))
      .option('--no-facets', "skip the model's facets"),
  ).action(async (modelName, flags) => {
    const { connect } = await import('../connect.js');
    const { runQuery } = await import('../../app/run-query.js');
    const { queryText } = await import('../output/query-text.js');
    const c = await connect(io, flags);
    const model = await c.model(modelName);
    const sink = c.sink();
    try {
      const r = await runQuery(
        {
          model,
          ...(flags.index ? { index: flags.index } : {}),
          filters: flags.filter ?? [],
          ...(flags.sort !== undefined ? { sort: flags.sort } : {}),
          ...(flags.text !== undefined ? { text: flags.text } : {}),
          limit: flags.limit,
          offset: flags.offset,
          facets: flags.facets,
        },
        { sink },
      );
      if (flags.json) {
        const { plan, ...rest } = r;
        writeJson(io, { ...rest, sort: plan.sort });
      } else io.stdout.write(queryText(r, model.query));
    } finally {
      await sink.close();
    }
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      notes: `Facets are declared per read model (product-search: category tree, price ranges, availability,
attribute pairs); a --filter on the category path starts the category tree there. Attribute pairs
filter as --filter attributeFacets=color=red.`,
      exitCodes: {
        0: 'ok (also when nothing matches)',
        1: 'the alias does not exist or the engine refused the query',
        2: 'usage (syntax, or a field that cannot be filtered/sorted: the message lists those that can)',
        3: 'config',
        6: 'search engine unavailable or its answer unreadable',
        8: 'alias points at several indices',
      },
      examples: [
        "readmodel query product-search --text headphones --filter availability=in_stock --filter 'price<100'",
        'readmodel query product-search --sort -rankingScore,price --limit 10 --offset 20',
        'readmodel query product-search --filter categoryPath=Electronics/Audio --no-facets --json',
        'readmodel query order-history --filter customerId=c-0042 --sort -placedAt',
      ],
      seeAlso: ['readmodel suggest', 'readmodel get'],
    }),
    io,
  );
}
