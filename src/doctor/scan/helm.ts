/**
 * Helm charts. A template under `<chart>/templates/` is YAML only once Helm has rendered its
 * actions; lockstep renders what it needs without Helm. A line that holds nothing but actions
 * (`{{- if ... }}`, `{{- end }}`, `{{- include ... | nindent 4 }}`) becomes a comment, so both
 * branches of a condition are read. An action inside a value becomes that value: `.Values.a.b`
 * (with `| default x`) looked up in the chart's values.yaml, else a placeholder. Replacements are
 * padded to the action's length, so every offset, and every line a finding points at, stays
 * where it is in the template.
 */
import { joinPath, type FileIndex } from './file-index.js';
import { TextFile } from './text-file.js';
import { get, parseYaml, scalarText, type YamlNode } from './yaml.js';

const ACTION = /\{\{-?([\s\S]*?)-?\}\}/g;
const ACTIONS_ONLY_LINE = /^[ \t]*(\{\{-?[\s\S]*?-?\}\}[ \t]*)+$/;

/** The chart a template belongs to: the directory above `templates/` when it has a Chart.yaml. */
export function helmChartOf(files: FileIndex, path: string): string | undefined {
  const match = /^(?:(.*)\/)?templates\/(?:.*\/)?[^/]+\.ya?ml$/.exec(path);
  if (!match) return undefined;
  const chart = match[1] ?? '';
  return files.has(joinPath(chart, 'Chart.yaml')) ? chart : undefined;
}

/** The chart's values.yaml, parsed; undefined when it has none or it does not parse. */
export function helmValues(files: FileIndex, chart: string): YamlNode | undefined {
  const text = files.read(joinPath(chart, 'values.yaml'))?.text;
  if (text === undefined) return undefined;
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}

function lookUp(values: YamlNode | undefined, path: string): string | undefined {
  let node = values;
  for (const key of path.split('.')) node = get(node, key);
  return scalarText(node);
}

/** What an inline action stands for, when lockstep can tell: a value from values.yaml or its default. */
function actionValue(action: string, values: YamlNode | undefined): string | undefined {
  const [head, ...pipes] = action.split('|').map((part) => part.trim());
  const reference = /^\.Values\.([\w.]+)$/.exec(head ?? '');
  if (!reference) return undefined;
  const value = lookUp(values, reference[1]!);
  if (value !== undefined) return value;
  for (const pipe of pipes) {
    const fallback = /^default\s+("?)([^"\s]*)\1$/.exec(pipe);
    if (fallback) return fallback[2];
  }
  return undefined;
}

export function renderHelmTemplate(file: TextFile, values: YamlNode | undefined): TextFile {
  const lines = file.text.split('\n').map((line) => {
    if (!line.includes('{{')) return line;
    if (ACTIONS_ONLY_LINE.test(line)) return `#${' '.repeat(Math.max(0, line.length - 1))}`;
    return line.replace(ACTION, (whole, inner: string) => {
      const value = actionValue(inner, values);
      const text =
        value !== undefined && value.length <= whole.length && !value.includes('\n')
          ? value
          : 'helm-value'.slice(0, whole.length);
      return text.padEnd(whole.length, ' ');
    });
  });
  return new TextFile(file.path, lines.join('\n'));
}
