/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export interface Style {
  color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

export function styleFor(stream: NodeJS.WritableStream & { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const color =
    env.NO_COLOR === undefined &&
    env.TERM !== 'dumb' &&
    (Boolean(stream.isTTY) || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'));
  const wrap = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return {
    color,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}
