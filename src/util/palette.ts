/**
 * The one palette of the diagrams, and the contrast arithmetic that keeps text on it readable.
 *
 * Colours are the Okabe–Ito set (distinguishable with the common colour-vision deficiencies); a host
 * gets its colour from a hash of its name, so it keeps it whatever else is in the picture. Text on a
 * fill is black or white, whichever contrasts more (WCAG 2 relative luminance and contrast ratio).
 */
export const PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'] as const;

/** The colour of cut (cross-machine) edges: red, outside the host palette. */
export const CUT_COLOUR = '#C00000';
/** Light grey for edges that are only candidates. */
export const CANDIDATE_COLOUR = '#BBBBBB';

/** FNV-1a over the UTF-16 code units: cheap, stable across runs and platforms. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function hostColour(host: string): string {
  return PALETTE[hash(host) % PALETTE.length]!;
}

/**
 * The colours of the hosts of one picture: each host takes its own colour (`hostColour`) unless a host
 * earlier in name order (UTF-16 code units) already took it; then the next free palette colour. So up to eight
 * hosts never share a colour, and a host keeps its colour in every picture without such a clash.
 * With more hosts than colours, colours repeat (the labels still name the host).
 */
export function hostColours(hosts: Iterable<string>): Map<string, string> {
  const sorted = [...new Set(hosts)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const taken = new Set<number>();
  const colours = new Map<string, string>();
  for (const host of sorted) {
    let slot = hash(host) % PALETTE.length;
    if (taken.size < PALETTE.length) while (taken.has(slot)) slot = (slot + 1) % PALETTE.length;
    taken.add(slot);
    colours.set(host, PALETTE[slot]!);
  }
  return colours;
}

function channel(hex: string, offset: number): number {
  const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of `#RRGGBB`. */
export function luminance(hex: string): number {
  if (!/^#[0-9a-fA-F]{6}$/.test(hex)) throw new Error(`not a #RRGGBB colour: ${hex}`);
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

/** WCAG 2 contrast ratio (1 to 21) of two `#RRGGBB` colours. */
export function contrastRatio(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

/** Black or white text, whichever reads better on `fill`. */
export function textColourOn(fill: string): string {
  return contrastRatio('#000000', fill) >= contrastRatio('#FFFFFF', fill) ? '#000000' : '#FFFFFF';
}
