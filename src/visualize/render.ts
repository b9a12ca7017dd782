/** Rendering DOT with Graphviz `dot` (through execa, argument arrays only). */
import { ToolError, UsageError } from '../errors.js';

/** `-f`/`--format` values look like dot's `-T` argument: `svg`, `png`, `pdf`, `svg:cairo`, … */
const FORMAT = /^[A-Za-z0-9_]+(:[A-Za-z0-9_]+)*$/;

export function checkFormat(format: string): string {
  if (!FORMAT.test(format)) throw new UsageError(`invalid output format ${JSON.stringify(format)} (use a Graphviz format such as svg, png or pdf)`);
  return format;
}

export const INSTALL_HINT = 'install Graphviz (Debian/Ubuntu: apt-get install graphviz; Fedora: dnf install graphviz; macOS: brew install graphviz; Nix: nix-env -iA nixpkgs.graphviz)';

/** Render a DOT text to bytes in `format`. `what` names the graph in error messages. */
export async function renderDot(dot: string, format: string, what = 'the graph'): Promise<Uint8Array> {
  checkFormat(format);
  const { execa } = await import('execa');
  try {
    const result = await execa('dot', [`-T${format}`], { input: dot, encoding: 'buffer', stripFinalNewline: false, maxBuffer: 1 << 30 });
    return result.stdout;
  } catch (error) {
    const failure = error as { code?: string; stderr?: Uint8Array | string; exitCode?: number };
    if (failure.code === 'ENOENT') throw new ToolError(`cannot render ${what}: Graphviz \`dot\` was not found on PATH; ${INSTALL_HINT}`);
    const stderr = failure.stderr === undefined ? '' : Buffer.from(failure.stderr).toString('utf8').trim();
    throw new ToolError(`cannot render ${what} as ${format}: dot failed${failure.exitCode !== undefined ? ` (exit ${failure.exitCode})` : ''}${stderr ? `: ${stderr}` : ''}`);
  }
}

/** Graphviz output formats that are text (the renderer part before any `:`); everything else may be binary. */
const TEXT_FORMATS = new Set(['svg', 'dot', 'gv', 'xdot', 'canon', 'plain', 'plain-ext', 'json', 'json0', 'dot_json', 'xdot_json', 'ps', 'eps', 'ps2', 'fig', 'imap', 'imap_np', 'cmap', 'cmapx', 'cmapx_np', 'ismap', 'pic', 'pov', 'tk', 'vml', 'mp']);

export function isTextFormat(format: string): boolean {
  return TEXT_FORMATS.has(format.split(':')[0]!.toLowerCase());
}

/**
 * Refuse to write image bytes to a terminal (they would garble it), before any work is done. `output`
 * is the -o argument (`-` or absent: stdout).
 */
export function refuseBinaryToTerminal(format: string, output: string | undefined, stdoutIsTerminal = Boolean(process.stdout.isTTY)): void {
  if ((output !== undefined && output !== '-') || !stdoutIsTerminal || isTextFormat(format)) return;
  const extension = format.split(':')[0]!.toLowerCase();
  throw new UsageError(`not writing ${extension} image data to a terminal: give -o FILE (e.g. -o picture.${extension}) or redirect stdout (> picture.${extension})`);
}
