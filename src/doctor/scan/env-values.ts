/**
 * Environment variables as the repository writes them down: .env files, Dockerfile ENV, compose
 * `environment`, the `env` of CI deploy jobs. Each value keeps its file and line, and whether it is
 * meant for production (.env.production, the image, a production compose file, a deploy job).
 * Values are secrets: they are registered for redaction and never printed.
 */
import { registerSecret } from '../../util/redact.js';
import type { CiWorkflow } from './ci-workflows.js';
import type { ComposeService } from './compose.js';
import { stageEnv, type Dockerfile } from './dockerfile.js';
import type { FileIndex } from './file-index.js';
import type { TextFile } from './text-file.js';

export interface EnvValue {
  name: string;
  value: string;
  file: TextFile;
  offset: number;
  production: boolean;
}

const TEMPLATE_ENV = /\.(example|sample|template|dist|test|testing|development|dev|local|ci)(\.|$)/;

function dotenvValues(file: TextFile, production: boolean): EnvValue[] {
  const out: EnvValue[] = [];
  let offset = 0;
  for (const line of file.text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$/.exec(line.replace(/\r$/, ''));
    if (match) {
      let value = match[2]!;
      const quote = value[0];
      if ((quote === '"' || quote === "'" || quote === '`') && value.lastIndexOf(quote) > 0)
        value = value.slice(1, value.lastIndexOf(quote));
      else value = value.replace(/\s+#.*$/, '');
      out.push({ name: match[1]!, value, file, offset: offset + line.indexOf(match[1]!), production });
    }
    offset += line.length + 1;
  }
  return out;
}

export function readEnvValues(
  files: FileIndex,
  dockerfiles: Dockerfile[],
  compose: ComposeService[],
  ci: CiWorkflow[],
): EnvValue[] {
  const values: EnvValue[] = [];
  for (const path of files.named((name) => /^\.env(\..+)?$/.test(name))) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (TEMPLATE_ENV.test(name)) continue;
    const file = files.read(path);
    if (file) values.push(...dotenvValues(file, /^\.env\.(production|prod)(\.|$)/.test(name)));
  }
  for (const dockerfile of dockerfiles) {
    const final = dockerfile.stages[dockerfile.stages.length - 1];
    if (!final) continue;
    for (const [name, { value, offset }] of stageEnv(dockerfile, final))
      values.push({ name, value, file: dockerfile.file, offset, production: true });
  }
  for (const service of compose) {
    const production = /prod/i.test(service.file.path);
    for (const e of service.environment)
      values.push({ name: e.name, value: e.value, file: e.file, offset: e.offset, production });
  }
  for (const workflow of ci) {
    for (const job of workflow.jobs) {
      for (const e of job.env)
        values.push({ name: e.name, value: e.value, file: e.file, offset: e.offset, production: Boolean(job.deploys) });
    }
  }
  // Interpolations (${VAR}, ${{ secrets.X }}) are not values.
  const known = values.filter((v) => v.value !== '' && !/\$\{|\$\(/.test(v.value));
  for (const v of known) if (/:\/\//.test(v.value) || /pass|secret|token|key/i.test(v.name)) registerSecret(v.value);
  return known;
}
