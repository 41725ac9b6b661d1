/**
 * The "Examples:" section at the end of each command's --help (and of `lockstep --help`), with
 * the exit codes and the page of docs/cli.md that documents them.
 */
import type { Command } from 'commander';

const EXAMPLES: Record<string, string[]> = {
  lockstep: [
    'lockstep deploy --project examples/prisma-shop      # deploy an example to the embedded PostgreSQL',
    'lockstep deploy -- node dist/server.js              # migrate, then start the app (container entrypoint)',
    'lockstep lint --since origin/main --format sarif    # lint what a pull request adds',
  ],
  deploy: [
    'lockstep deploy                                     # DATABASE_URL or the ORM configuration names the database',
    'lockstep deploy --embedded --project examples/prisma-shop',
    'lockstep deploy -- node dist/server.js              # start the app only when every migration applied',
    'lockstep deploy --json | tail -n 1                  # the result (or error) object, for scripts',
  ],
  status: ['lockstep status', 'lockstep status --json --project packages/db'],
  detect: ['lockstep detect', 'lockstep detect --project packages/db --json'],
  drift: [
    'lockstep drift                                      # live database against the replayed history and the schema file',
    'lockstep drift --schema-only                        # no database: the schema file against the migrations (pull requests)',
    'lockstep drift --sql > fix.sql                      # the statements that bring the database back to the history',
  ],
  lint: [
    'lockstep lint                                       # the pending migrations (all of them without a database)',
    'lockstep lint --since origin/main --format sarif > lockstep.sarif',
    'lockstep lint --format gitlab > gl-code-quality-report.json',
    'lockstep lint --fail-on warning prisma/migrations/20250402071509_x/migration.sql',
    'lockstep lint --explain require-concurrent-index-creation',
  ],
  doctor: ['lockstep doctor', 'lockstep doctor --fix --dry-run', 'lockstep doctor --format github --fail-on warning'],
  resolve: [
    'lockstep resolve --rolled-back 20250402071509_order_created_at_index_concurrently',
    'lockstep resolve --applied 20250305083755_add_order_shipping_address',
  ],
  baseline: [
    'lockstep baseline                                   # record every migration on disk as applied',
    'lockstep baseline --to 20250121143027_add_categories --check',
  ],
};

export function examplesFor(command: string): string[] {
  return EXAMPLES[command] ?? [];
}

/** Adds the examples (and where the exit codes are documented) after a command's help. */
export function addExamples(command: Command): void {
  const examples = examplesFor(command.name());
  if (examples.length === 0) return;
  command.addHelpText(
    'after',
    `\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n\nExit codes and --json output: docs/cli.md`,
  );
}
