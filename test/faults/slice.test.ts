import { describe, expect, it } from 'vitest';
import { adminUrl } from '../support/database.js';
import { SCENARIOS } from './scenarios/index.js';
import { seeded, violations } from './support.js';

/**
 * The deterministic slice of the fault-injection suite (test/faults/run.ts): each scenario with a
 * few trials and a fixed seed. The full run is `npm run test:faults` (docs/reliability.md).
 */
describe('fault injection (slice)', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${scenario.description}`, { timeout: 240_000 }, async () => {
      const counts = await scenario.run({
        adminUrl: adminUrl(),
        trials: scenario.sliceTrials,
        random: seeded(42),
        log: () => undefined,
      });
      expect(counts.problems).toEqual([]);
      expect(violations(counts)).toBe(0);
      expect(counts.trials).toBeGreaterThan(0);
    });
  }
});
