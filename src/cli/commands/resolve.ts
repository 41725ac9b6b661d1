import { Command } from 'commander';
import { addCommonOptions, printJson, projectOptions, reportFailure, stderr, stdout, type CommonFlags } from '../common.js';

interface ResolveFlags extends CommonFlags {
  applied?: string;
  rolledBack?: string;
  lockWait?: string;
  audit?: boolean;
}

export function resolveCommand(): Command {
  const command = new Command('resolve')
    .summary('mark a failed migration as rolled back, or a migration as applied')
    .description(
      'Records a decision about a migration in the history table, as `prisma migrate resolve` does.\n' +
        '--rolled-back NAME: the failed migration is not in the database; the next deploy applies it again.\n' +
        '--applied NAME: its changes are in the database (you applied them by hand); deploy skips it.',
    )
    .option('--applied <migration>', 'record the migration as applied without running it')
    .option('--rolled-back <migration>', 'record the failed migration as rolled back')
    .option('--lock-wait <duration>', 'how long to wait for the migration lock', '5m')
    .option('--no-audit', "do not write lockstep's audit table")
    .action(async (flags: ResolveFlags, cmd: Command) => {
      const json = Boolean(flags.json);
      try {
        const { resolve } = await import('../../deploy/resolve.js');
        const result = await resolve({
          ...projectOptions(flags),
          ...(flags.applied ? { applied: flags.applied } : {}),
          ...(flags.rolledBack ? { rolledBack: flags.rolledBack } : {}),
          ...(cmd.getOptionValueSource('lockWait') === 'cli' && flags.lockWait ? { lockWait: flags.lockWait } : {}),
          ...(flags.audit === false ? { audit: false } : {}),
          onEvent: (event) => {
            if (json) return;
            if (event.type === 'warning') stderr(`warning ${event.message}`);
            else if (event.type === 'history-upgraded') stdout(event.message);
          },
        });
        if (json) printJson(result);
        else if (result.action === 'applied') {
          stdout(
            `Recorded ${result.migration} as applied${result.rowsRolledBack ? ` (its ${result.rowsRolledBack} failed record${result.rowsRolledBack > 1 ? 's are' : ' is'} now marked rolled back)` : ''}. Deploy will not run it.`,
          );
        } else {
          stdout(`Recorded ${result.migration} as rolled back. The next deploy applies it again.`);
        }
      } catch (error) {
        reportFailure(error, json);
      }
    });
  return addCommonOptions(command);
}
