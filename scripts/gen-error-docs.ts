/** Writes docs/errors.md from the catalogue of LS_* codes: npm run docs:errors */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorDocs } from '../src/error-docs.js';

const file = join(import.meta.dirname, '..', 'docs', 'errors.md');
writeFileSync(file, renderErrorDocs());
console.error(`Wrote ${file}`);
