import { Command, Option } from '@commander-js/extra-typings';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, withHelp } from '../command-kit.js';

export function validateContractsCommand(io: CliIO) {
  const cmd = new Command('validate-contracts')
    .summary('Check event contracts, fixtures and mappings for CI, offline')
    .description(
      'Check event contracts for CI, offline (needs neither Kafka nor a search engine):\n' +
        '(a) schemas compile in ajv strict mode and match their file names, (b) fixture events validate and\n' +
        'invalid fixtures fail as documented, (c) versions are compatible under their declared mode,\n' +
        '(d) projections and contracts cover each other, (e) mappings declare every written field and\n' +
        'use only what both OpenSearch 2.x and Elasticsearch 8.x provide.',
    )
    .option('--contracts <dir>', 'event contracts folder (default: the shipped contracts/)')
    .option('--fixtures <dir>', 'fixtures folder, one subfolder per read model (default: the shipped fixtures/)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'junit', 'github']).default('text'))
    .option('--json', 'the full report as JSON on stdout')
    .action(async (flags) => {
      const path = (await import('node:path')).default;
      const { UsageError } = await import('../../core/errors.js');
      if (flags.json && flags.format !== 'text') {
        throw new UsageError(`--json and --format ${flags.format} both choose the output; pass one`, { code: 'USAGE' });
      }
      const { PACKAGE_ROOT } = await import('../../config/load-config.js');
      const { builtInModels } = await import('../../core/read-models/catalog.js');
      const { runValidateContracts } = await import('../../app/validate-contracts/run-validate-contracts.js');
      const { ValidationFailedError } = await import('../../app/validate-contracts/validation-failed-error.js');
      const { renderReport } = await import('../output/report-formats.js');

      const report = await runValidateContracts(
        {
          contractsDir: path.resolve(io.cwd, flags.contracts ?? path.join(PACKAGE_ROOT, 'contracts')),
          fixturesDir: path.resolve(io.cwd, flags.fixtures ?? path.join(PACKAGE_ROOT, 'fixtures')),
          packageRoot: PACKAGE_ROOT,
          cwd: io.cwd,
        },
        { models: builtInModels },
      );
      if (flags.json) writeJson(io, report);
      else io.stdout.write(renderReport(report, flags.format));
      // Printed already; the error only carries exit code 1 (it is marked reported, so nothing is printed twice).
      if (!report.ok) throw new ValidationFailedError(report);
    });
  return behaveLikeProgram(
    withHelp(cmd, {
      notes: "Mappings are each read model's mappingFile, relative to the readmodel package.",
      exitCodes: {
        0: 'every check passed',
        1: 'violations found (the report lists each with file, JSON pointer and rule)',
        2: 'usage (unknown --format, missing folder, --json with --format)',
      },
      examples: [
        'readmodel validate-contracts',
        'readmodel validate-contracts --contracts ./contracts --format junit > contracts-junit.xml',
        'readmodel validate-contracts --format github',
      ],
      seeAlso: ['readmodel fixtures publish', 'readmodel rebuild'],
    }),
    io,
  );
}
