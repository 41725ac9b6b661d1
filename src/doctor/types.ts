/** The public shapes of `lockstep doctor`: checks, findings and the report. */
import type { Severity } from '../lint/types.js';
import type { ProjectScan } from './scan/project-scan.js';
import type { TextFile } from './scan/text-file.js';

export type { Severity };

/** What a check is about: one ORM, or any project. */
export type CheckScope = 'prisma' | 'drizzle' | 'typeorm' | 'general';

export interface CheckDoc {
  /** What the check finds, precisely. */
  what: string;
  /** Why it fails in production. */
  why: string;
  /** The fix, in prose. */
  fix: string;
  /** A file the check flags, and the same file fixed. */
  example: { file: string; bad: string; good: string };
}

export interface CheckMeta {
  id: string;
  scope: CheckScope;
  severity: Severity;
  /** What it flags, in a few words. */
  title: string;
  /** Why it hurts in production, in one line (printed with each finding). */
  why: string;
  /** The fix, in one line (printed with each finding unless the finding has its own). */
  fix: string;
  /** Whether `--fix` can repair some of its findings. */
  fixable: boolean;
  doc: CheckDoc;
}

/** A replacement in a file: `text` replaces the UTF-16 range [start, end) of the file as read. */
export interface TextEdit {
  /** The file, relative to the scanned root. */
  file: string;
  start: number;
  end: number;
  text: string;
}

export interface FindingInput {
  file: TextFile;
  /** UTF-16 offset in the file of what was found. */
  offset: number;
  message: string;
  /** The fix for this finding (default: the check's). */
  fix?: string;
  /** A severity for this finding other than the check's (e.g. a milder variant). */
  severity?: Severity;
  /** `--fix`: the edits that repair it, or why it cannot be repaired mechanically. */
  autofix?: { edits: TextEdit[] } | { refused: string };
  /** Other places that explain the finding (the migration a start command races, a cycle's edges). */
  related?: Array<{ file: TextFile; offset: number; message: string }>;
}

export interface DoctorCheck {
  meta: CheckMeta;
  run(scan: ProjectScan, report: (finding: FindingInput) => void): void | Promise<void>;
}

export interface FindingLocation {
  /** Path relative to the current directory, `/`-separated. */
  file: string;
  /** 1-based line and column (UTF-16 code units). */
  line: number;
  column: number;
}

export interface DoctorFinding extends FindingLocation {
  check: string;
  scope: CheckScope;
  severity: Severity;
  title: string;
  message: string;
  /** The line the finding points at (a very long line is cut). */
  snippet: string;
  why: string;
  fix: string;
  /** `--fix` can apply `edits`. */
  fixable: boolean;
  /** Why `--fix` cannot repair it, when the check can repair others like it. */
  fixRefused: string | undefined;
  edits: TextEdit[] | undefined;
  related: Array<FindingLocation & { message: string }>;
}

export interface DoctorSummary {
  errors: number;
  warnings: number;
  infos: number;
  /** Files that have findings. */
  files: number;
  fixable: number;
}

export interface DoctorReport {
  /** The scanned directory, relative to the current directory ('.' for itself). */
  project: string;
  /** Which ORMs were found where. */
  orms: Array<{ dir: string; orm: string; configFile: string | undefined }>;
  /** How many production pipelines and commands were followed. */
  pipelines: number;
  commands: number;
  /** Checks that ran (not turned off). */
  checks: string[];
  findings: DoctorFinding[];
  summary: DoctorSummary;
  /** True when an error-level finding exists: `lockstep doctor` exits 1. */
  failed: boolean;
  /** Notes about the scan: configuration that could not be read, files that could not be parsed. */
  notes: string[];
}
