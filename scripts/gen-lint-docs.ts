/** Writes docs/lint.md from the lint rules' metadata: node --import tsx scripts/gen-lint-docs.ts */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderLintDocs } from '../src/lint/docs.js';

const file = join(import.meta.dirname, '..', 'docs', 'lint.md');
writeFileSync(file, renderLintDocs());
console.error(`Wrote ${file}`);
