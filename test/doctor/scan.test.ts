import { describe, expect, it } from 'vitest';
import { parseSync } from 'oxc-parser';
import type { AstNode } from '../../src/js/estree.js';
import { evaluate, moduleBindings, reached, PRODUCTION_SCENARIOS, UNKNOWN } from '../../src/doctor/code/static-eval.js';
import { classifyCommand } from '../../src/doctor/scan/command-kinds.js';
import { finalStage, imagePaths } from '../../src/doctor/scan/docker-image.js';
import { parseDockerfile } from '../../src/doctor/scan/dockerfile.js';
import { DockerIgnore, GitIgnore } from '../../src/doctor/scan/ignore-files.js';
import { parseShell } from '../../src/doctor/scan/shell.js';
import { TextFile } from '../../src/doctor/scan/text-file.js';
import { get, parseYaml, parseYamlDocuments, scalarText, type YamlNode } from '../../src/doctor/scan/yaml.js';

describe('gitignore matching', () => {
  const ignore = (files: Record<string, string>) => {
    const g = new GitIgnore();
    for (const [file, text] of Object.entries(files)) g.add(file, text);
    return (path: string, dir = false) => g.check(path, dir).ignored;
  };

  it('a name without a slash matches at any depth; with a slash it is relative to the file', () => {
    const is = ignore({ '.gitignore': 'drizzle\n/build\ndocs/*.md\n' });
    expect(is('drizzle/0000_init.sql')).toBe(true);
    expect(is('apps/api/drizzle/0000_init.sql')).toBe(true);
    expect(is('build/x.js')).toBe(true);
    expect(is('apps/build/x.js')).toBe(false);
    expect(is('docs/a.md')).toBe(true);
    expect(is('docs/sub/a.md')).toBe(false);
  });

  it('a trailing slash matches directories only; comments, blank lines and escapes', () => {
    const is = ignore({ '.gitignore': '# comment\n\nlogs/\n\\#notes\n*.sql   \n' });
    expect(is('logs', false)).toBe(false);
    expect(is('logs/today.txt')).toBe(true);
    expect(is('#notes')).toBe(true);
    expect(is('a/b/x.sql')).toBe(true);
  });

  it('negation re-includes, the last pattern wins, but not inside an ignored directory', () => {
    const is = ignore({ '.gitignore': '*.sql\n!drizzle/*.sql\nmeta/\n!meta/_journal.json\n' });
    expect(is('x.sql')).toBe(true);
    expect(is('drizzle/0000.sql')).toBe(false);
    expect(is('other/0000.sql')).toBe(true);
    // git does not descend into meta/, so the negation cannot re-include a file in it.
    expect(is('drizzle/meta/_journal.json')).toBe(true);
  });

  it('** matches any number of directories; nested .gitignore files apply below them and win', () => {
    const is = ignore({
      '.gitignore': '**/generated/**\n',
      'apps/api/.gitignore': '/drizzle\n',
      'apps/web/.gitignore': '!keep.sql\n*.sql\n',
    });
    expect(is('a/b/generated/c/d.ts')).toBe(true);
    expect(is('apps/api/drizzle/0000.sql')).toBe(true);
    expect(is('drizzle/0000.sql')).toBe(false);
    expect(is('apps/web/x.sql')).toBe(true);
  });

  it('says which pattern decided', () => {
    const g = new GitIgnore().add('.gitignore', 'node_modules/\n\n/drizzle\n');
    expect(g.check('drizzle/0000.sql').rule).toEqual({ file: '.gitignore', line: 3, pattern: '/drizzle' });
  });
});

describe('.dockerignore matching', () => {
  it('patterns are relative to the context root, exclude what is below them, and ! re-includes', () => {
    const d = new DockerIgnore('.dockerignore', '# deps\nnode_modules\n*.md\n**/*.log\ndrizzle\n!drizzle/meta\n');
    expect(d.check('node_modules/x/index.js').ignored).toBe(true);
    expect(d.check('README.md').ignored).toBe(true);
    expect(d.check('docs/README.md').ignored).toBe(false);
    expect(d.check('a/b/c.log').ignored).toBe(true);
    expect(d.check('drizzle/0000.sql').ignored).toBe(true);
    expect(d.check('drizzle/meta/_journal.json').ignored).toBe(false);
    expect(d.check('./src/../drizzle/0000.sql').rule?.line).toBe(6 - 1);
  });
});

describe('YAML', () => {
  it('block maps and sequences, block scalars with positions, flow collections, anchors and merge keys', () => {
    const text = [
      'defaults: &defaults',
      '  image: node:20',
      '  script: ["npm ci"]',
      'job:',
      '  <<: *defaults',
      '  script:',
      '    - "echo a: b"',
      '    - |',
      '      npm run build',
      '      npx prisma migrate deploy',
      '  needs: [build, "test"]',
      '  replicas: 3',
      "  quoted: 'it''s'",
      '  folded: >-',
      '    one',
      '    two',
      '',
    ].join('\n');
    const root = parseYaml(text);
    const job = get(root, 'job');
    expect(scalarText(get(job, 'image'))).toBe('node:20');
    const script = get(job, 'script') as Extract<YamlNode, { kind: 'seq' }>;
    expect(script.items.map((i) => (i.kind === 'scalar' ? i.text : i.kind))).toEqual([
      'echo a: b',
      'npm run build\nnpx prisma migrate deploy\n',
    ]);
    const block = script.items[1]!;
    if (block.kind !== 'scalar') throw new Error('not a scalar');
    const at = block.text.indexOf('npx');
    const file = new TextFile('x.yml', text);
    expect(file.position(block.fileOffset(at))).toEqual({ line: 10, column: 7 });
    expect((get(job, 'needs') as { items: YamlNode[] }).items.map((i) => scalarText(i))).toEqual(['build', 'test']);
    expect(get(job, 'replicas')).toMatchObject({ value: 3 });
    expect(scalarText(get(job, 'quoted'))).toBe("it's");
    expect(scalarText(get(job, 'folded'))).toBe('one two');
  });

  it('several documents, comments, and a sequence at the same indent as its key', () => {
    const docs = parseYamlDocuments(
      '# a\nkind: Job # trailing\n---\nkind: Deployment\nspec:\n  containers:\n  - name: api\n    args: ["--port", "80"]\n',
    );
    expect(docs.map((d) => scalarText(get(d, 'kind')))).toEqual(['Job', 'Deployment']);
    const containers = get(get(docs[1], 'spec'), 'containers') as { items: YamlNode[] };
    expect(scalarText(get(containers.items[0], 'name'))).toBe('api');
  });
});

describe('shell commands', () => {
  it('splits on && || ; | & and newlines, keeps quotes, offsets and backgrounding', () => {
    const text = `FOO=1 npx prisma migrate deploy && node "dist/server.js" & echo 'a && b' # done\nnext`;
    const commands = parseShell(text);
    expect(commands.map((c) => c.words.map((w) => w.value))).toEqual([
      ['FOO=1', 'npx', 'prisma', 'migrate', 'deploy'],
      ['node', 'dist/server.js'],
      ['echo', 'a && b'],
      ['next'],
    ]);
    expect(commands[1]!.background).toBe(true);
    expect(text.slice(commands[1]!.start, commands[1]!.end)).toBe('node "dist/server.js"');
    expect(parseShell('a \\\n  b > /dev/null 2>&1').map((c) => c.words.map((w) => w.value))).toEqual([['a', 'b']]);
  });

  it('recognises ORM commands through wrappers, and script calls of npm, pnpm, yarn and turbo', () => {
    const kind = (text: string, scripts: string[] = []) =>
      classifyCommand(parseShell(text)[0]!.words, (n) => scripts.includes(n));
    expect(kind('dotenv -e .env.production -- npx prisma db push').kind).toBe('prisma-db-push');
    expect(kind('cross-env NODE_ENV=production pnpm exec prisma migrate deploy --schema ./db/schema.prisma').kind).toBe(
      'prisma-migrate-deploy',
    );
    expect(kind('yarn drizzle-kit push:pg').kind).toBe('drizzle-kit-push');
    expect(kind('./node_modules/.bin/typeorm-ts-node-commonjs migration:run -d src/data-source.ts').kind).toBe(
      'typeorm-migration-run',
    );
    expect(kind('npx typeorm schema:sync -d dist/data-source.js').kind).toBe('typeorm-schema-sync');
    expect(kind('npm run db:migrate -- --force').script).toMatchObject({ name: 'db:migrate', runner: 'npm' });
    expect(kind('pnpm --filter @acme/api release').script).toMatchObject({ name: 'release', workspace: '@acme/api' });
    expect(kind('yarn workspace api run deploy').script).toMatchObject({ name: 'deploy', workspace: 'api' });
    expect(kind('turbo run build --filter=web').script).toMatchObject({ name: 'build', workspace: 'web' });
    expect(kind('pnpm migrate', ['migrate']).kind).toBe('run-script');
    expect(kind('lockstep deploy -- node dist/server.js').then?.map((w) => w.value)).toEqual(['node', 'dist/server.js']);
    expect(kind('node --enable-source-maps -r dotenv/config dist/main.js').file).toBe('dist/main.js');
    expect(kind('flyctl deploy --remote-only').kind).toBe('app-deploy');
    expect(kind('sh -c "npx drizzle-kit migrate && node dist/server.js"').parts?.[0]?.shell?.text).toBe(
      'npx drizzle-kit migrate && node dist/server.js',
    );
  });
});

describe('Dockerfiles', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    'FROM node:20 AS deps',
    'WORKDIR /app',
    'COPY package*.json ./',
    'RUN --mount=type=cache,target=/root/.npm npm ci',
    '',
    'FROM deps AS build',
    'COPY . .',
    'RUN npm run build \\',
    '  # the client',
    '  && npx prisma generate',
    '',
    'FROM node:20-slim',
    'WORKDIR /srv',
    'COPY --from=build /app/dist ./dist',
    'COPY --from=build /app/prisma/migrations/ ./prisma/migrations/',
    'CMD ["node", "dist/server.js"]',
    '',
  ].join('\n');
  const dockerfile = parseDockerfile(new TextFile('Dockerfile', text));

  it('reads stages, flags, continuations with comments, and exec form with positions', () => {
    expect(dockerfile.stages.map((s) => [s.name, s.from, s.line])).toEqual([
      ['deps', 'node:20', 2],
      ['build', 'deps', 7],
      [undefined, 'node:20-slim', 13],
    ]);
    const run = dockerfile.stages[0]!.instructions.find((i) => i.keyword === 'RUN')!;
    expect(run.flags).toEqual({ mount: 'type=cache,target=/root/.npm' });
    expect(run.args).toBe('npm ci');
    const build = dockerfile.stages[1]!.instructions.find((i) => i.keyword === 'RUN')!;
    expect(parseShell(build.args).map((c) => c.words.map((w) => w.value).join(' '))).toEqual([
      'npm run build',
      'npx prisma generate',
    ]);
    const cmd = dockerfile.stages[2]!.instructions.find((i) => i.keyword === 'CMD')!;
    expect(cmd.exec!.map((w) => w.value)).toEqual(['node', 'dist/server.js']);
    expect(text.slice(cmd.exec![1]!.start, cmd.exec![1]!.end)).toBe('"dist/server.js"');
  });

  it('follows COPY and COPY --from through the stages to the final image', () => {
    const final = finalStage(dockerfile)!;
    expect(imagePaths(dockerfile, final, 'prisma/migrations/1_init/migration.sql', undefined)).toEqual([
      '/srv/prisma/migrations/1_init/migration.sql',
    ]);
    expect(imagePaths(dockerfile, final, 'src/server.ts', undefined)).toEqual([]);
    expect(imagePaths(dockerfile, dockerfile.stages[1]!, 'src/server.ts', undefined)).toEqual(['/app/src/server.ts']);
    expect(
      imagePaths(
        dockerfile,
        final,
        'prisma/migrations/1_init/migration.sql',
        new DockerIgnore('.dockerignore', 'prisma/migrations\n'),
      ),
    ).toEqual([]);
  });
});

describe('static evaluation', () => {
  const parse = (code: string) => parseSync('x.ts', code).program as unknown as AstNode;
  const evaluated = (code: string, env: Record<string, string | undefined>, dirname?: string) => {
    const program = parse(code);
    const bindings = moduleBindings(program);
    return evaluate(bindings.constants.get('x'), { env, dirname, ...bindings });
  };

  it('evaluates process.env, comparisons, logic, consts, templates and path.join', () => {
    const prod = { NODE_ENV: 'production' };
    expect(evaluated(`const x = process.env.NODE_ENV !== 'production';`, prod)).toBe(false);
    expect(evaluated(`const x = process.env.NODE_ENV !== 'production';`, {})).toBe(true);
    expect(
      evaluated(`const isProd = process.env['NODE_ENV'] === 'production'; const x = !isProd && process.env.SYNC === 'true';`, {}),
    ).toBe(false);
    expect(evaluated(`const x = process.env.DB_SYNC ?? 'yes';`, {})).toBe('yes');
    expect(evaluated('const x = `${__dirname}/migration/*.{ts,js}`;', {}, 'dist')).toBe('dist/migration/*.{ts,js}');
    expect(
      evaluated(`import path from 'node:path'; const x = path.join(__dirname, '..', 'migrations', '*.js');`, {}, 'dist/db'),
    ).toBe('dist/migrations/*.js');
    expect(evaluated(`const x = config.get('sync');`, {})).toBe(UNKNOWN);
  });

  it('knows which branches lead to an object', () => {
    const program = parse(`const options = process.env.NODE_ENV === 'test' ? { synchronize: true } : { synchronize: false };`);
    const bindings = moduleBindings(program);
    const conditional = bindings.constants.get('options')!;
    const consequent = conditional.consequent as AstNode;
    for (const scenario of PRODUCTION_SCENARIOS)
      expect(reached([conditional], consequent, { env: scenario.env, ...bindings })).toBe(false);
    expect(reached([conditional], consequent, { env: { NODE_ENV: 'test' }, ...bindings })).toBe(true);
  });
});
