/** Writes docs/doctor.md from the doctor checks' metadata: node --import tsx scripts/gen-doctor-docs.ts */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDoctorDocs } from '../src/doctor/docs.js';

const file = join(import.meta.dirname, '..', 'docs', 'doctor.md');
writeFileSync(file, renderDoctorDocs());
console.error(`Wrote ${file}`);
