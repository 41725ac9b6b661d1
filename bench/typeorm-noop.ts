import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  LOCKSTEP_CLI,
  ms,
  run,
  RUNS,
  rounds,
  spread,
  summarize,
  table,
  verdict,
  withDatabase,
  WORK,
  writeFile,
  type ProcessResult,
  type Scenario,
} from './support.js';

const MIGRATIONS = 50;
const TARGET_MS = 500;

/**
 * A TypeORM project as `typeorm migration:generate` leaves it: a TypeScript data source, three
 * decorated entities listed by glob, and TypeScript migration classes, each a few
 * `queryRunner.query` calls. It lives under bench/.work so that it resolves typeorm from the
 * repository's node_modules (whose .cache/lockstep is then its compile cache).
 */
function writeTypeormTsProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  writeFile(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'typeorm-ts-bench', private: true, dependencies: { typeorm: '*', pg: '*', 'reflect-metadata': '*' } },
      null,
      2,
    ),
  );
  writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          strictPropertyInitialization: false,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          skipLibCheck: true,
        },
      },
      null,
      2,
    ),
  );
  writeFile(
    join(dir, 'src', 'data-source.ts'),
    `import 'reflect-metadata';\nimport { DataSource } from 'typeorm';\n\nexport const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  entities: ['src/entity/*.ts'],\n  migrations: ['src/migration/*.ts'],\n  synchronize: false,\n});\n`,
  );
  for (const [name, fields] of [
    ['Account', ['email', 'name']],
    ['Project', ['title', 'slug']],
    ['Task', ['label', 'state']],
  ] as const) {
    writeFile(
      join(dir, 'src', 'entity', `${name}.ts`),
      `import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity()\nexport class ${name} {\n  @PrimaryGeneratedColumn()\n  id: number;\n\n${fields.map((f) => `  @Column({ type: 'varchar', length: 200 })\n  ${f}: string;\n`).join('\n')}\n  @CreateDateColumn({ type: 'timestamptz' })\n  createdAt: Date;\n}\n`,
    );
  }
  for (let i = 1; i <= MIGRATIONS; i++) {
    const timestamp = 1_700_000_000_000 + i * 3_600_000;
    const className = `Step${i}${timestamp}`;
    writeFile(
      join(dir, 'src', 'migration', `${timestamp}-Step${i}.ts`),
      `import { MigrationInterface, QueryRunner } from "typeorm";\n\nexport class ${className} implements MigrationInterface {\n    name = '${className}'\n\n    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(\`CREATE TABLE "step_${i}" ("id" SERIAL NOT NULL, "label" character varying NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_step_${i}" PRIMARY KEY ("id"))\`);\n        await queryRunner.query(\`CREATE INDEX "IDX_step_${i}_label" ON "step_${i}" ("label") \`);\n    }\n\n    public async down(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(\`DROP INDEX "public"."IDX_step_${i}_label"\`);\n        await queryRunner.query(\`DROP TABLE "step_${i}"\`);\n    }\n}\n`,
    );
  }
}

/**
 * `lockstep status` and a no-op `lockstep deploy` on a TypeORM project of 50 TypeScript
 * migrations, all applied: what every release start pays. With the compile cache (the default), a
 * run compiles nothing it compiled before; without it (LOCKSTEP_COMPILE_CACHE=0, what every run did
 * before the cache) it loads TypeScript and compiles every file.
 */
export const typeormNoop: Scenario = {
  name: 'typeorm-noop',
  async run() {
    const project = join(WORK, 'typeorm-ts');
    writeTypeormTsProject(project);
    return withDatabase(async (url) => {
      const lockstep = (command: string, env: Record<string, string> = {}) =>
        run(process.execPath, [LOCKSTEP_CLI, command, '--project', project], { env: { DATABASE_URL: url, ...env } });
      const applied = await lockstep('deploy');
      if (!applied.stdout.includes(`Applied ${MIGRATIONS} migrations`))
        throw new Error(`the first deploy did not apply the ${MIGRATIONS} migrations:\n${applied.stdout}${applied.stderr}`);
      const runners: Record<string, { label: string; start: () => Promise<ProcessResult> }> = {
        deploy: { label: '`lockstep deploy`, nothing to apply', start: () => lockstep('deploy') },
        status: { label: '`lockstep status`', start: () => lockstep('status') },
        uncachedDeploy: {
          label: '`lockstep deploy`, nothing to apply, compile cache off (every file compiled, as before the cache)',
          start: () => lockstep('deploy', { LOCKSTEP_COMPILE_CACHE: '0' }),
        },
        uncachedStatus: {
          label: '`lockstep status`, compile cache off',
          start: () => lockstep('status', { LOCKSTEP_COMPILE_CACHE: '0' }),
        },
        typeorm: {
          label: '`node -e "require(\'typeorm\')"` (Node.js start-up and loading typeorm alone, for reference)',
          start: () => run(process.execPath, ['-e', "require('typeorm')"], { cwd: project }),
        },
      };
      const samples = await rounds(runners, async ({ start }) => (await start()).ms);
      const s = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, summarize(values)]));
      const deploy = s.deploy!;
      const status = s.status!;
      return [
        `## TypeORM no-op deploy and status: ${MIGRATIONS} TypeScript migrations`,
        '',
        `A TypeORM project run from its TypeScript sources (data source, 3 decorated entities listed by glob, ${MIGRATIONS} migration classes as \`typeorm migration:generate\` writes them), all applied. lockstep loads the data source, the entities and every migration before it connects, through the project's TypeScript compiler; compiled output is kept in \`node_modules/.cache/lockstep\`, keyed by content. Wall time of the whole process; median of ${RUNS} (min–max), after a warm-up run that fills the cache.`,
        '',
        table(
          ['Runner', 'Wall time'],
          Object.entries(runners).map(([key, { label }]) => [label, spread(s[key]!)]),
        ),
        '',
        `- Target: a no-op deploy in at most ${TARGET_MS} ms: ${verdict(deploy.median <= TARGET_MS)} (median ${ms(deploy.median)}, slowest run ${ms(deploy.max)}).`,
        `- \`lockstep status\`: median ${ms(status.median)}.`,
        `- The compile cache: a no-op deploy takes ${(s.uncachedDeploy!.median / deploy.median).toFixed(1)}x as long without it (median ${ms(s.uncachedDeploy!.median)} against ${ms(deploy.median)}).`,
        `- Loading typeorm is a floor that the typeorm CLI pays too: a cached no-op deploy takes ${(deploy.median / s.typeorm!.median).toFixed(2)}x as long as \`require('typeorm')\` alone (${ms(deploy.median - s.typeorm!.median)} more). On a machine under load (see the load average under "Machine") every figure grows, and this ratio is the one to compare across runs.`,
      ].join('\n');
    });
  },
};
