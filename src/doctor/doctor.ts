/**
 * `lockstep doctor`: reads the project (package.json scripts, ORM configuration, sources,
 * Dockerfiles, Procfile, compose, CI, Kubernetes, ignore files) and reports the ORM-specific
 * mistakes that break production, each with the file and line, why it fails and the fix. It never
 * connects to a database and never needs an environment variable.
 */
import { relative, sep } from 'node:path';
import { readConfigFile } from '../config/config-file.js';
import { projectRoot } from '../project/detect.js';
import { redact } from '../util/redact.js';
import { readDoctorSettings } from './config.js';
import { allChecks } from './registry.js';
import { ProjectScan } from './scan/project-scan.js';
import type { TextFile } from './scan/text-file.js';
import type { DoctorFinding, DoctorReport, FindingInput, Severity } from './types.js';

export type { DoctorFinding, DoctorReport } from './types.js';

/** What `doctor()` takes. */
export interface DoctorOptions {
  /**
   * The project directory to scan.
   * @defaultValue the current directory
   */
  project?: string;
  /**
   * Run only these checks (their ids, as `lockstep doctor --list-checks` prints them).
   * @defaultValue every check that lockstep.config.json does not turn off
   */
  only?: string[];
}

const SNIPPET_WIDTH = 160;
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export async function doctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const root = projectRoot(options.project);
  const config = readConfigFile(root);
  const settings = readDoctorSettings(config.doctor, config.file ?? 'lockstep.config.json');
  const scan = new ProjectScan(root);
  await scan.prepare();
  const display = (path: string) => relative(process.cwd(), `${root}${sep}${path}`).split(sep).join('/') || path;
  const locate = (file: TextFile, offset: number) => {
    const { line, column } = file.position(offset);
    return { file: display(file.path), line, column };
  };

  const findings: DoctorFinding[] = [];
  const seen = new Set<string>();
  const ran: string[] = [];
  for (const check of allChecks()) {
    const setting = settings.checks[check.meta.id];
    if (setting === 'off' || (options.only && !options.only.includes(check.meta.id))) continue;
    ran.push(check.meta.id);
    const report = (input: FindingInput) => {
      const key = `${check.meta.id}:${input.file.path}:${input.offset}`;
      if (seen.has(key)) return;
      seen.add(key);
      const where = locate(input.file, input.offset);
      const line = input.file.lineText(where.line);
      const severity = setting ?? input.severity ?? check.meta.severity;
      const autofix = input.autofix;
      findings.push({
        check: check.meta.id,
        scope: check.meta.scope,
        severity,
        title: check.meta.title,
        ...where,
        message: redact(input.message),
        snippet: redact(line.length > SNIPPET_WIDTH ? `${line.slice(0, SNIPPET_WIDTH)}…` : line),
        why: check.meta.why,
        fix: redact(input.fix ?? check.meta.fix),
        fixable: Boolean(autofix && 'edits' in autofix),
        fixRefused: autofix && 'refused' in autofix ? redact(autofix.refused) : undefined,
        edits: autofix && 'edits' in autofix ? autofix.edits : undefined,
        related: (input.related ?? []).map((r) => ({ ...locate(r.file, r.offset), message: redact(r.message) })),
      });
    };
    try {
      await check.run(scan, report);
    } catch (error) {
      scan.notes.push(
        `The check ${check.meta.id} stopped on an unexpected error and reported what it had found: ${redact(error instanceof Error ? error.message : String(error))}`,
      );
    }
  }
  findings.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      RANK[a.severity] - RANK[b.severity] ||
      a.check.localeCompare(b.check),
  );
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const orms = scan.orms.flatMap((o) => [
    ...(o.prisma ? [{ dir: o.dir || '.', orm: 'prisma', configFile: o.prisma.configFile ?? o.prisma.schema }] : []),
    ...(o.drizzle ? [{ dir: o.dir || '.', orm: 'drizzle', configFile: o.drizzle.configFile }] : []),
    ...(o.typeorm ? [{ dir: o.dir || '.', orm: 'typeorm', configFile: o.typeorm.dataSourceFile }] : []),
  ]);
  return {
    project: relative(process.cwd(), root).split(sep).join('/') || '.',
    orms,
    pipelines: scan.pipelines.length,
    commands: scan.commands.length,
    checks: ran,
    findings,
    summary: {
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      files: new Set(findings.map((f) => f.file)).size,
      fixable: findings.filter((f) => f.fixable).length,
    },
    failed: count('error') > 0,
    notes: scan.notes.map(redact),
  };
}
