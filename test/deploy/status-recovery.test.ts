import { describe, expect, it } from 'vitest';
import { prismaDeploySuite } from '../support/deploy-suite.js';

describe('status and deploy after a failure', () => {
  const suite = prismaDeploySuite();

  it('status prints the recovery itself; a failure after many applied migrations summarises their names', async () => {
    const migrations: Record<string, string> = {};
    for (let i = 1; i <= 12; i++)
      migrations[`202401${String(i).padStart(2, '0')}000000_step_${i}`] = `CREATE TABLE "t${i}" ("id" INTEGER);\n`;
    migrations['20240201000000_broken'] = 'ALTER TABLE "missing" ADD COLUMN "x" INTEGER;\n';
    const { cli } = await suite.start(migrations);

    const failed = await cli('deploy');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'This run applied 12 migrations before it (20240101000000_step_1 … 20240112000000_step_12); they stay applied.',
    );
    expect(failed.stderr).not.toContain('step_6');

    const status = await cli('status');
    expect(status.code).toBe(3);
    expect(status.stdout).not.toContain('see `lockstep deploy`');
    expect(status.stdout).toContain('State: blocked by a failed migration: deploys stop until it is resolved');
    expect(status.stdout).toContain('Next:');
    expect(status.stdout).toContain('`lockstep resolve --rolled-back 20240201000000_broken` and `lockstep deploy`');
    expect(status.stdout).toContain('`lockstep resolve --applied 20240201000000_broken`');
    const json = JSON.parse((await cli('status', '--json')).stdout) as { next: string[] };
    expect(json.next).toHaveLength(3);
    expect(json.next).toContain('Once the cause is fixed, run it again: `lockstep deploy --resume`');
  });
});
