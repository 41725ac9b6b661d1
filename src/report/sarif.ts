/**
 * SARIF 2.1.0, the format GitHub code scanning uploads (github/codeql-action/upload-sarif): the
 * format-level parts every lockstep report shares. One log with one run; rules with help text;
 * results with physical locations relative to the current directory (`SRCROOT`).
 */
import type { Severity } from '../lint/types.js';
import { LOCKSTEP_VERSION } from '../version.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

export function sarifLevel(severity: Severity | 'off'): SarifLevel {
  return severity === 'off' ? 'none' : LEVEL[severity];
}

export interface SarifRule {
  id: string;
  shortDescription: string;
  fullDescription: string;
  helpText: string;
  helpMarkdown?: string | undefined;
  level: SarifLevel;
  enabled: boolean;
  properties: Record<string, unknown>;
}

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
  snippet?: string;
}

export interface SarifResult {
  ruleId: string;
  level: SarifLevel;
  message: string;
  file: string;
  region: SarifRegion;
  fingerprint: string;
  relatedLocations?: Array<{ file: string; region: SarifRegion; message: string }>;
  suppressions?: Array<{ kind: 'inSource' | 'external'; justification: string }>;
  properties?: Record<string, unknown>;
}

export interface SarifRun {
  rules: SarifRule[];
  results: SarifResult[];
  /** Where the docs are published: the tool's informationUri, and each rule's helpUri is this plus `#rule-id`. */
  docsUrl?: string | undefined;
  properties?: Record<string, unknown>;
}

/** `CamelCase` name of a kebab-case rule id. */
export function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** A path as a relative URI reference (forward slashes, percent-encoded segments). */
export function relativeUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment)))
    .join('/');
}

export function pathToFileUri(dir: string): string {
  const normalized = dir.replace(/\\/g, '/');
  return `file://${normalized.startsWith('/') ? '' : '/'}${normalized.split('/').map(encodeURIComponent).join('/')}/`;
}

function region(r: SarifRegion): Record<string, unknown> {
  const { snippet, ...rest } = r;
  return { ...rest, ...(snippet !== undefined ? { snippet: { text: snippet } } : {}) };
}

function location(file: string, r: SarifRegion): Record<string, unknown> {
  return { physicalLocation: { artifactLocation: { uri: relativeUri(file), uriBaseId: 'SRCROOT' }, region: region(r) } };
}

export function buildSarifLog(run: SarifRun): Record<string, unknown> {
  const index = new Map(run.rules.map((rule, i) => [rule.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lockstep',
            semanticVersion: LOCKSTEP_VERSION,
            version: LOCKSTEP_VERSION,
            ...(run.docsUrl ? { informationUri: run.docsUrl } : {}),
            rules: run.rules.map((rule) => ({
              id: rule.id,
              name: ruleName(rule.id),
              shortDescription: { text: rule.shortDescription },
              fullDescription: { text: rule.fullDescription },
              help: { text: rule.helpText, ...(rule.helpMarkdown ? { markdown: rule.helpMarkdown } : {}) },
              ...(run.docsUrl ? { helpUri: `${run.docsUrl}#${rule.id}` } : {}),
              defaultConfiguration: { level: rule.level, enabled: rule.enabled },
              properties: rule.properties,
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { SRCROOT: { uri: pathToFileUri(process.cwd()) } },
        results: run.results.map((result) => {
          const ruleIndex = index.get(result.ruleId);
          return {
            ruleId: result.ruleId,
            ...(ruleIndex !== undefined ? { ruleIndex } : {}),
            level: result.level,
            message: { text: result.message },
            locations: [location(result.file, result.region)],
            ...(result.relatedLocations?.length
              ? {
                  relatedLocations: result.relatedLocations.map((r, id) => ({
                    id,
                    ...location(r.file, r.region),
                    message: { text: r.message },
                  })),
                }
              : {}),
            partialFingerprints: { lockstepFinding: result.fingerprint },
            ...(result.suppressions?.length ? { suppressions: result.suppressions } : {}),
            ...(result.properties ? { properties: result.properties } : {}),
          };
        }),
        ...(run.properties ? { properties: run.properties } : {}),
      },
    ],
  };
}
