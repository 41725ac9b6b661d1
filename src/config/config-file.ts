import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../errors.js';
import { readPackageJson } from '../project/package-json.js';

/** lockstep.config.json (or the "lockstep" key of package.json). Durations are strings like "2s". */
export interface LockstepConfigFile {
  /** Where it was read from, for messages. */
  file: string | undefined;
  lockTimeout?: string | number;
  statementTimeout?: string | number;
  concurrentStatementTimeout?: string | number;
  lockRetries?: number;
  retryDelay?: string | number;
  retryMaxDelay?: string | number;
  lockWait?: string | number;
  strict?: boolean;
  audit?: boolean | { schema?: string; table?: string };
  /** TypeORM: the file that exports the project's DataSource, when lockstep cannot find it. */
  typeorm?: { dataSource?: string };
  /** `lockstep lint` settings; validated by src/lint/config.ts. */
  lint?: unknown;
  /** `lockstep drift` settings: `{ "ignore": ["public.audit_*"] }`; validated by src/drift/ignore.ts. */
  drift?: unknown;
  /** `lockstep doctor` settings: `{ "checks": { "<check id>": "off" } }`; validated by src/doctor/config.ts. */
  doctor?: unknown;
}

const KEYS = new Set([
  'lockTimeout',
  'statementTimeout',
  'concurrentStatementTimeout',
  'lockRetries',
  'retryDelay',
  'retryMaxDelay',
  'lockWait',
  'strict',
  'audit',
  'typeorm',
  'lint',
  'drift',
  'doctor',
  '$schema',
]);
export const CONFIG_FILE_NAME = 'lockstep.config.json';

export function readConfigFile(root: string): LockstepConfigFile {
  const file = join(root, CONFIG_FILE_NAME);
  let raw: unknown;
  let where: string | undefined;
  if (existsSync(file)) {
    where = CONFIG_FILE_NAME;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw usageError('LS_CONFIG_INVALID', `${CONFIG_FILE_NAME} is not valid JSON: ${(error as Error).message}.`, [
        `Fix ${CONFIG_FILE_NAME}, then run the command again.`,
      ]);
    }
  } else {
    const fromPackage = readPackageJson(root)?.lockstep;
    if (fromPackage !== undefined) {
      raw = fromPackage;
      where = 'the "lockstep" key of package.json';
    }
  }
  if (raw === undefined) return { file: undefined };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw usageError('LS_CONFIG_INVALID', `${where} must be a JSON object.`, [`Fix ${where}, then run the command again.`]);
  }
  const unknown = Object.keys(raw).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) {
    throw usageError(
      'LS_CONFIG_INVALID',
      `${where} has unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}.`,
      [
        `Remove or rename ${unknown.length > 1 ? 'them' : 'it'} (known settings: ${[...KEYS].filter((k) => k !== '$schema').join(', ')}), then run the command again.`,
      ],
    );
  }
  return { ...(raw as Omit<LockstepConfigFile, 'file'>), file: where };
}
