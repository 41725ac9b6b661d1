/** `lockstep lint --explain RULE` and `--list-rules`, and the same text as Markdown (SARIF help, docs). */
import type { Rule } from '../lint/rule.js';
import type { Style } from './style.js';

function equivalents(rule: Rule): string[] {
  const { squawk, strongMigrations, atlas } = rule.meta.equivalents;
  const out: string[] = [];
  if (squawk?.length) out.push(`squawk: ${squawk.join(', ')}`);
  if (strongMigrations?.length) out.push(`strong_migrations: ${strongMigrations.join(', ')}`);
  if (atlas?.length) out.push(`Atlas: ${atlas.join(', ')}`);
  return out;
}

const indent = (text: string, by = '    ') =>
  text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

export function explainRule(rule: Rule, style: Style): string {
  const { meta } = rule;
  const options = meta.doc.options;
  const context = options
    ? ` (linted with ${[options.runner ? `--runner ${options.runner}` : '', options.postgresVersion ? `--pg-version ${options.postgresVersion}` : ''].filter(Boolean).join(' ')})`
    : '';
  return [
    `${style.bold(meta.id)}  ${meta.severity === 'off' ? 'off by default' : `default severity: ${meta.severity}`}, category: ${meta.category}${meta.sizeGraded ? ', graded by table size' : ''}`,
    '',
    style.bold('What it flags'),
    indent(meta.doc.what, '  '),
    '',
    style.bold('Why it hurts in production'),
    indent(meta.doc.why, '  '),
    '',
    style.bold('The safe alternative'),
    indent(meta.doc.fix, '  '),
    '',
    style.bold(`Flagged${context}:`),
    indent(meta.doc.bad || '(an empty file)'),
    '',
    style.bold('Safe:'),
    indent(meta.doc.good),
    ...(equivalents(rule).length ? ['', `${style.bold('Same check elsewhere:')} ${equivalents(rule).join('; ')}`] : []),
    '',
    `Suppress one statement with \`-- lockstep-ignore ${meta.id}: <reason>\` on the line above it.`,
  ].join('\n');
}

export function explainRuleMarkdown(rule: Rule): string {
  const { meta } = rule;
  const fence = (sql: string) => `\`\`\`sql\n${sql || '-- (an empty file)'}\n\`\`\``;
  return [
    `**${meta.summary}** (${meta.severity === 'off' ? 'off by default' : meta.severity}; ${meta.category}${meta.sizeGraded ? '; graded by table size' : ''})`,
    '',
    meta.doc.what,
    '',
    `**Why it hurts:** ${meta.doc.why}`,
    '',
    `**Safe alternative:** ${meta.doc.fix}`,
    '',
    'Flagged:',
    '',
    fence(meta.doc.bad),
    '',
    'Safe:',
    '',
    fence(meta.doc.good),
  ].join('\n');
}

export function listRules(rules: readonly Rule[], style: Style): string {
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  const lines = rules.map((rule) => {
    const severity = rule.meta.severity === 'off' ? 'off' : rule.meta.severity;
    return `${rule.meta.id.padEnd(width)}  ${severity.padEnd(7)}  ${rule.meta.category.padEnd(11)}  ${rule.meta.summary}`;
  });
  return [
    style.bold(`${'rule'.padEnd(width)}  ${'default'.padEnd(7)}  ${'category'.padEnd(11)}  flags`),
    ...lines,
    '',
    'Details: lockstep lint --explain <rule>',
  ].join('\n');
}
