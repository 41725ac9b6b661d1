import { Command } from 'commander';
import type { StatusResult } from '../../deploy/status.js';
import { ExitCode } from '../../errors.js';
import { styleFor } from '../../report/style.js';
import { cliCommand } from '../../util/cli-command.js';
import { addCommonOptions, printJson, projectOptions, reportFailure, stderr, stdout, type CommonFlags } from '../common.js';

export function statusExitCode(result: StatusResult): number {
  switch (result.state) {
    case 'up-to-date':
      return ExitCode.Ok;
    case 'pending':
      return ExitCode.Failed;
    default:
      return ExitCode.Blocked;
  }
}

export function statusCommand(): Command {
  const command = new Command('status')
    .summary('show applied, pending, failed, edited, missing and out-of-order migrations')
    .description(
      'Compares the migrations on disk with the history table and reports each migration, and prints the commands ' +
        'that recover a blocked database. Changes nothing.\n' +
        'Exit code: 0 up to date, 1 migrations pending, 2 no migrations on disk or another configuration error, ' +
        '3 blocked (a failed migration, or a database that needs a baseline).',
    )
    .action(async (flags: CommonFlags) => {
      const json = Boolean(flags.json);
      try {
        const [{ status }, { renderStatus }] = await Promise.all([
          import('../../deploy/status.js'),
          import('../../report/status-text.js'),
        ]);
        const options = projectOptions(flags);
        const result = await status({
          ...options,
          onEvent: (event) => {
            if (event.type === 'warning' && !json) stderr(`warning ${event.message}`);
          },
        });
        if (json) printJson(result);
        else stdout(renderStatus(result, styleFor(process.stdout), cliCommand(options.cliFlags)));
        process.exitCode = statusExitCode(result);
      } catch (error) {
        reportFailure(error, json);
      }
    });
  return addCommonOptions(command);
}
