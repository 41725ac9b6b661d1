/** Whether the process runs in CI: `CI` set to anything but an empty string, `0` or `false` (as CI services set it). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
