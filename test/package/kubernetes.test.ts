import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/project.js';

const DIR = join(REPO_ROOT, 'examples', 'kubernetes');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** A Helm template's `{{ ... }}` expressions become plain strings, so the rest parses as YAML. */
const withoutTemplates = (text: string) => text.replace(/"?\{\{[^}]*\}\}"?(:\{\{[^}]*\}\})?/g, 'templated');

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  securityContext?: { allowPrivilegeEscalation?: boolean };
}
interface JobManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    completionMode?: string;
    completions?: number;
    backoffLimit?: number;
    backoffLimitPerIndex?: number;
    template: {
      spec: {
        restartPolicy: string;
        securityContext?: { runAsNonRoot?: boolean };
        containers: Container[];
        volumes?: Array<{ secret?: { secretName: string } }>;
      };
    };
  };
}

function load(file: string): JobManifest[] {
  const documents = parseAllDocuments(withoutTemplates(readFileSync(file, 'utf8')));
  for (const document of documents) expect(document.errors, relative(REPO_ROOT, file)).toEqual([]);
  return documents.map((d) => d.toJS() as JobManifest);
}

const files = yamlFiles(DIR);
const byName = (name: string) => load(join(DIR, name));

describe('examples/kubernetes', () => {
  it('has the three manifests, each a batch/v1 Job that parses', () => {
    expect(files.map((f) => relative(DIR, f)).sort()).toEqual([
      'fleet-indexed-job.yaml',
      'helm/pre-upgrade-hook.yaml',
      'migrate-job.yaml',
    ]);
    for (const file of files) {
      for (const manifest of load(file)) {
        expect(manifest.apiVersion).toBe('batch/v1');
        expect(manifest.kind).toBe('Job');
        const pod = manifest.spec.template.spec;
        expect(pod.restartPolicy).toBe('Never');
        expect(pod.securityContext?.runAsNonRoot).toBe(true);
        const [container] = pod.containers;
        expect(container).toBeDefined();
        // lockstep deploy is what runs.
        expect([...(container!.command ?? []), ...(container!.args ?? [])].join(' ')).toMatch(
          /lockstep"?\s*,?\s*"?deploy|lockstep deploy/,
        );
        expect(container!.securityContext?.allowPrivilegeEscalation).toBe(false);
      }
    }
  });

  it('never writes a database URL into a manifest: it comes from a Secret', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/postgres(ql)?:\/\//);
      for (const manifest of load(file)) {
        const container = manifest.spec.template.spec.containers[0]!;
        const url = container.env?.find((e) => e.name === 'DATABASE_URL');
        const fromVolume = manifest.spec.template.spec.volumes?.some((v) => v.secret);
        expect(Boolean(url?.valueFrom?.secretKeyRef) || Boolean(fromVolume)).toBe(true);
      }
    }
  });

  it('does not retry a failed migration blindly', () => {
    const [job] = byName('migrate-job.yaml');
    expect(job!.spec.backoffLimit).toBe(0);
    const [fleet] = byName('fleet-indexed-job.yaml');
    expect(fleet!.spec.backoffLimitPerIndex).toBe(0);
  });

  it('runs the Helm variant as a pre-install and pre-upgrade hook', () => {
    const [hook] = byName('helm/pre-upgrade-hook.yaml');
    expect(hook!.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(hook!.metadata.annotations?.['helm.sh/hook-delete-policy']).toContain('before-hook-creation');
  });

  it('gives each index of the fleet Job its own URL from the list', () => {
    const [fleet] = byName('fleet-indexed-job.yaml');
    expect(fleet!.spec.completionMode).toBe('Indexed');
    const script = fleet!.spec.template.spec.containers[0]!.args!.join('\n');
    expect(script).toContain('JOB_COMPLETION_INDEX');
    expect(script).toContain('lockstep deploy');
    expect(script).not.toMatch(/echo[^\n]*DATABASE_URL/);
  });
});
