import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, indexNameOption, withConnectionOptions, withHelp } from '../command-kit.js';
import { getText } from '../output/get-text.js';

export function getCommand(io: CliIO) {
  const cmd = withConnectionOptions(
    new Command('get')
      .summary('One document with its version, last event time and the build it lives in')
      .description(
        'One document of a read model, read in real time through <model>_current (or --index), with what to check\n' +
          'first when it "looks wrong": its stored version (the external version: the aggregate version of the last\n' +
          'event applied), the time of that event, the index and build it lives in (build hash, mapping, projection\n' +
          'version, when it was built) and whether that index is live behind the alias.',
      )
      .argument('<model>', 'read model, e.g. product-search')
      .argument('<id>', 'document id (the aggregate id), e.g. p0042')
      .option('--index <name>', 'read this index instead of the one behind the alias', indexNameOption('--index')),
  ).action(async (modelName, id, flags) => {
    const { connect } = await import('../connect.js');
    const { runGet } = await import('../../app/run-get.js');
    const c = await connect(io, flags);
    const model = await c.model(modelName);
    const sink = c.sink();
    try {
      const r = await runGet({ model, id, ...(flags.index ? { index: flags.index } : {}) }, { sink });
      if (flags.json) return writeJson(io, r);
      io.stdout.write(getText(r));
    } finally {
      await sink.close();
    }
  });
  return behaveLikeProgram(
    withHelp(cmd, {
      exitCodes: {
        0: 'found',
        1: 'no such document (DOCUMENT_NOT_FOUND) or the alias does not exist (ALIAS_MISSING)',
        2: 'usage (unknown model, --index that does not exist)',
        3: 'config',
        6: 'search engine unavailable or its answer unreadable',
        8: 'the alias points at several indices',
      },
      examples: [
        'readmodel get product-search p0042',
        "readmodel get product-search p0042 --json | jq '.version, .lastEventAt, .build.buildHash'",
        'readmodel get product-search p0042 --index product_search_v1_3f9c2a7b1e',
      ],
      seeAlso: ['readmodel query', 'readmodel replay', 'readmodel alias show'],
    }),
    io,
  );
}
