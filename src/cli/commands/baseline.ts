import { Command } from 'commander';
import { addCommonOptions, printJson, projectOptions, reportFailure, stdout, type CommonFlags } from '../common.js';

interface BaselineFlags extends CommonFlags {
  to?: string;
  lockWait?: string;
  audit?: boolean;
  check?: boolean;
  shadowUrl?: string;
}

export function baselineCommand(): Command {
  const command = new Command('baseline')
    .summary('record the migrations an existing schema already contains, without running them')
    .description(
      'For a database whose schema was created by `prisma db push`, by hand or by another tool: records the ' +
        'migrations up to --to (default: all on disk) as applied, in one transaction. Deploy then applies the rest.',
    )
    .option('--to <migration>', 'the last migration the live schema already contains')
    .option('--lock-wait <duration>', 'how long to wait for the migration lock', '5m')
    .option(
      '--check',
      'first replay the migrations up to --to and compare them with the live schema (lockstep drift); on any difference record nothing and exit 3',
    )
    .option('--shadow-url <url>', 'with --check: replay into this empty scratch database instead of PGlite; never printed')
    .option('--no-audit', "do not write lockstep's audit table")
    .action(async (flags: BaselineFlags, cmd: Command) => {
      const json = Boolean(flags.json);
      try {
        const { baseline } = await import('../../deploy/baseline.js');
        const result = await baseline({
          ...projectOptions(flags),
          ...(flags.to ? { to: flags.to } : {}),
          ...(cmd.getOptionValueSource('lockWait') === 'cli' && flags.lockWait ? { lockWait: flags.lockWait } : {}),
          ...(flags.audit === false ? { audit: false } : {}),
          ...(flags.check ? { check: flags.shadowUrl ? { shadowUrl: flags.shadowUrl } : true } : {}),
        });
        if (json) {
          printJson(result);
          return;
        }
        stdout(
          `Recorded ${result.marked.length} migration${result.marked.length === 1 ? '' : 's'} as applied without running them:`,
        );
        for (const name of result.marked) stdout(`  ${name}`);
        stdout(
          result.pending.length
            ? `${result.pending.length} migration${result.pending.length === 1 ? '' : 's'} after it will be applied by the next deploy: ${result.pending.join(', ')}`
            : 'No migration is pending.',
        );
      } catch (error) {
        reportFailure(error, json);
      }
    });
  return addCommonOptions(command);
}
