/**
 * `lockstep doctor --fix`: applies the mechanical fixes of a report (text edits), printing a
 * unified diff of each file first; with `dryRun`, only prints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff } from './unified-diff.js';
import type { DoctorFinding, TextEdit } from './types.js';

export interface FixResult {
  /** Files changed (relative to the project), each with its diff. */
  files: Array<{ file: string; diff: string; fixes: number }>;
  /** Findings whose fix was applied. */
  applied: number;
}

export function applyFixes(root: string, findings: DoctorFinding[], options: { dryRun: boolean }): FixResult {
  const byFile = new Map<string, Array<{ edits: TextEdit[] }>>();
  for (const finding of findings) {
    if (!finding.fixable || !finding.edits?.length) continue;
    const file = finding.edits[0]!.file;
    const list = byFile.get(file) ?? [];
    list.push({ edits: finding.edits });
    byFile.set(file, list);
  }
  const result: FixResult = { files: [], applied: 0 };
  for (const [file, fixes] of byFile) {
    const path = join(root, file);
    const before = readFileSync(path, 'utf8');
    // Edits of different findings must not overlap; an insertion at the same point is kept once.
    const edits: TextEdit[] = [];
    let applied = 0;
    for (const fix of fixes) {
      const clash = fix.edits.some((e) =>
        edits.some((o) => (e.start < o.end && o.start < e.end) || (e.start === o.start && e.end === o.end && e.text !== o.text)),
      );
      if (clash) continue;
      for (const e of fix.edits)
        if (!edits.some((o) => o.start === e.start && o.end === e.end && o.text === e.text)) edits.push(e);
      applied++;
    }
    let after = before;
    for (const edit of [...edits].sort((a, b) => b.start - a.start))
      after = after.slice(0, edit.start) + edit.text + after.slice(edit.end);
    if (after === before) continue;
    result.files.push({ file, diff: unifiedDiff(file, before, after), fixes: applied });
    result.applied += applied;
    if (!options.dryRun) writeFileSync(path, after);
  }
  return result;
}
