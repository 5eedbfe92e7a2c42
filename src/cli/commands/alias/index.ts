import { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../../cli-io.js';
import { behaveLikeProgram, withHelp } from '../../command-kit.js';
import { aliasRollbackCommand } from './rollback.js';
import { aliasShowCommand } from './show.js';
import { aliasSwapCommand } from './swap.js';

export function aliasCommand(io: CliIO) {
  return withHelp(behaveLikeProgram(new Command('alias'), io), {
    exitCodes: {
      0: 'ok',
      2: 'usage',
      3: 'config',
      6: 'search engine unavailable',
      7: 'gate refused',
      8: 'conflict',
      11: "lease held (each subcommand's --help says which it uses)",
    },
    examples: [
      'readmodel alias show product-search',
      'readmodel alias swap product-search --to product_search_v1_ab12cd34ef --dry-run',
      'readmodel alias swap product-search --to product_search_v1_ab12cd34ef',
      'readmodel alias rollback product-search',
      'readmodel help alias swap   # the help of one subcommand',
    ],
    seeAlso: ['readmodel rebuild', 'readmodel prune'],
  })
    .description('Show, swap or roll back the <model>_current alias')
    .addCommand(aliasShowCommand(io))
    .addCommand(aliasSwapCommand(io))
    .addCommand(aliasRollbackCommand(io));
}
