import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';

/** A value read from the environment, with where it came from. */
export interface EnvValue {
  value: string;
  /** "the environment" or the .env file it was read from. */
  source: string;
}

/**
 * The project's environment: the process environment first, then `.env` files in the given
 * directories (the project root, then the schema's directory, as Prisma reads them). Reading it
 * does not change process.env.
 */
export class ProjectEnv {
  private readonly fileValues = new Map<string, EnvValue>();

  constructor(
    dirs: string[],
    private readonly processEnv: NodeJS.ProcessEnv = process.env,
  ) {
    for (const dir of dirs) {
      const file = join(dir, '.env');
      if (!existsSync(file)) continue;
      const parsed = parse(readFileSync(file));
      for (const [name, value] of Object.entries(parsed)) {
        if (!this.fileValues.has(name)) this.fileValues.set(name, { value, source: file });
      }
    }
  }

  /** A variable set in the process environment wins over .env, even when it is set to an empty string (as dotenv has it). */
  get(name: string): EnvValue | undefined {
    const fromProcess = this.processEnv[name];
    if (fromProcess !== undefined) return { value: fromProcess, source: 'the environment' };
    return this.fileValues.get(name);
  }

  /** What `process.env[name]` is inside withFileValues: the process's value when set, else the .env file's. */
  visible(name: string): string | undefined {
    return this.processEnv[name] ?? this.fileValues.get(name)?.value;
  }

  /**
   * Runs `fn` with the .env values that the process lacks put into process.env, then restores it.
   * Runs that overlap (concurrent deploys in one process) share the values they put there: a value
   * is removed when the last of them ends, and never when the process's own code has changed it.
   */
  async withFileValues<T>(fn: () => Promise<T>): Promise<T> {
    const borrowed: string[] = [];
    for (const [name, { value }] of this.fileValues) {
      const lent = LENT.get(name);
      if (process.env[name] === undefined) {
        process.env[name] = value;
        LENT.set(name, { value, holders: 1 });
        borrowed.push(name);
      } else if (lent && lent.value === process.env[name]) {
        lent.holders++;
        borrowed.push(name);
      }
    }
    try {
      return await fn();
    } finally {
      for (const name of borrowed) {
        const lent = LENT.get(name)!;
        if (--lent.holders > 0) continue;
        LENT.delete(name);
        if (process.env[name] === lent.value) delete process.env[name];
      }
    }
  }
}

/** The .env values withFileValues has put into process.env, and how many runs use each. */
const LENT = new Map<string, { value: string; holders: number }>();
