/** Spells a lockstep command with the flags that chose the project: `lockstep deploy --project app`. */
export function cliCommand(cliFlags: string | undefined): (args: string) => string {
  return (args) => `lockstep ${args}${cliFlags ? ` ${cliFlags}` : ''}`;
}
