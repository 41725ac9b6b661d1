/**
 * GitHub Actions workflow commands, which show as annotations on the pull request's changed lines:
 * the escaping and the command line every lockstep report shares.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { Severity } from '../lint/types.js';

/** Escapes the message part of a workflow command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (file, title) of a workflow command. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export interface Annotation {
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine?: number | undefined;
  title: string;
  message: string;
}

export function workflowCommand(annotation: Annotation): string {
  const properties = [
    `file=${escapeProperty(annotation.file)}`,
    `line=${annotation.line}`,
    `col=${annotation.column}`,
    ...(annotation.endLine !== undefined && annotation.endLine > annotation.line ? [`endLine=${annotation.endLine}`] : []),
    `title=${escapeProperty(annotation.title)}`,
  ];
  return `::${COMMAND[annotation.severity]} ${properties.join(',')}::${escapeData(annotation.message)}`;
}
