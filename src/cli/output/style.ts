/** The few colours the tables use; every one is a no-op when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => (text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`);

const COLOURED: Style = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
const PLAIN: Style = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

/**
 * The style of one run: ANSI colours only when stdout is a TTY that takes them (main.ts asks
 * the stream, which honours NO_COLOR), so a pipe or a file never receives escape codes.
 */
export function createStyle(color: boolean): Style {
  return color ? COLOURED : PLAIN;
}

/** The colour a status reads as at a glance: done green, broken red, waiting yellow, moving cyan. */
export function statusColour(style: Style, status: string): (text: string) => string {
  switch (status) {
    case 'COMPLETED':
    case 'IDLE':
      return style.green;
    case 'FAILED':
    case 'OFFLINE':
      return style.red;
    case 'BLOCKED':
    case 'PAUSED':
    case 'PENDING':
      return style.yellow;
    case 'ASSIGNED':
    case 'IN_PROGRESS':
    case 'ACTIVE':
      return style.cyan;
    default:
      return style.dim;
  }
}

function same(text: string): string {
  return text;
}
