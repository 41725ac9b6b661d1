/**
 * The JSON Schemas of every command's `--json` output, generated from the types in
 * src/report/json-output.ts. `npm run schemas` writes them to schemas/<command>.json;
 * test/contract/json-schemas.test.ts checks that the committed files are current.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { JSON_OUTPUT_TYPES } from '../src/report/json-output.js';

const ROOT = join(import.meta.dirname, '..');

const DESCRIPTIONS: Record<keyof typeof JSON_OUTPUT_TYPES, string> = {
  deploy:
    'lockstep deploy --json: NDJSON, one object a line, each valid against this schema: events as they happen (type run-started, plan, migration-applied, ...), then one line of type "result" (exit 0) or "error" (non-zero exit).',
  status: 'lockstep status --json: one document, the status or an error (type "error").',
  resolve: 'lockstep resolve --json: one document, the result or an error (type "error").',
  baseline: 'lockstep baseline --json: one document, the result or an error (type "error").',
  detect: 'lockstep detect --json: one document, the detected project or an error (type "error").',
  drift: 'lockstep drift --json: one document, the comparison or an error (type "error").',
  lint: 'lockstep lint --json: one document, the report or an error (type "error").',
  doctor: 'lockstep doctor --json: one document, the report or an error (type "error").',
};

/** Schema text by command name, as the files hold it. */
export function renderJsonSchemas(): Record<string, string> {
  const generator = createGenerator({
    path: join(ROOT, 'src', 'report', 'json-output.ts'),
    tsconfig: join(ROOT, 'tsconfig.json'),
    skipTypeCheck: true,
    expose: 'export',
    jsDoc: 'extended',
    sortProps: true,
    additionalProperties: false,
  });
  const out: Record<string, string> = {};
  for (const [command, type] of Object.entries(JSON_OUTPUT_TYPES) as Array<[keyof typeof JSON_OUTPUT_TYPES, string]>) {
    const { $schema, ...schema } = generator.createSchema(type);
    const document = { $schema, title: `lockstep ${command} --json`, description: DESCRIPTIONS[command], ...schema };
    out[command] = `${JSON.stringify(document, null, 2)}\n`;
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [command, text] of Object.entries(renderJsonSchemas())) {
    const file = join(ROOT, 'schemas', `${command}.json`);
    writeFileSync(file, text);
    console.error(`Wrote ${file}`);
  }
}
