/**
 * Reading a picture the way a person does, from what Graphviz actually draws: `dot -Tjson` lists every
 * drawing operation (fills, pen colours, texts with their font size). The PNG is kept in
 * test-artifacts/ for a human to look at.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { contrastRatio } from '../src/util/palette.js';
import { repoRoot } from './helpers.js';

export const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'pictures');

interface Op {
  op: string;
  color?: string;
  points?: [number, number][];
  rect?: [number, number, number, number];
  pt?: [number, number];
  text?: string;
  size?: number;
  width?: number;
}
interface DrawnObject {
  name?: string;
  _draw_?: Op[];
  _ldraw_?: Op[];
  [key: string]: unknown;
}
export interface Drawing extends DrawnObject {
  objects?: DrawnObject[];
  edges?: (DrawnObject & { _hdraw_?: Op[]; color?: string; head?: number; tail?: number })[];
  bb: string;
}

export interface DrawnText {
  text: string;
  colour: string;
  background: string;
  ratio: number;
  /** Font size in pixels of the 96-dpi PNG Graphviz writes. */
  px: number;
}

const NAMED: Record<string, string> = { white: '#FFFFFF', black: '#000000' };

/** `#rrggbb`, or undefined for a transparent colour. */
function solid(colour: string): string | undefined {
  const named = NAMED[colour.toLowerCase()];
  if (named) return named;
  if (/^#[0-9a-f]{6}$/i.test(colour)) return colour.toUpperCase();
  if (/^#[0-9a-f]{8}$/i.test(colour)) return colour.slice(7) === '00' ? undefined : colour.slice(0, 7).toUpperCase();
  throw new Error(`unexpected colour in the drawing: ${colour}`);
}

const closed = (points: [number, number][]) => points.length > 2 && points[0]![0] === points.at(-1)![0] && points[0]![1] === points.at(-1)![1];

interface Region {
  box: [number, number, number, number];
  fill: string;
}

/** Filled shapes (polygons, ellipses) of a list of operations, and its texts with their pen colour. */
function walk(ops: readonly Op[], regions: Region[], texts: { op: Op; colour: string; size: number }[]): void {
  let fill: string | undefined;
  let pen = '#000000';
  let size = 14;
  for (const op of ops) {
    if (op.op === 'C') fill = solid(op.color!);
    else if (op.op === 'c') pen = solid(op.color!) ?? pen;
    else if (op.op === 'F') size = op.size!;
    // Filled polygons and beziers; Graphviz writes a rounded filled box as a closed 'B'.
    else if ((op.op === 'P' || op.op === 'b' || (op.op === 'B' && closed(op.points!))) && fill) {
      const xs = op.points!.map((p) => p[0]);
      const ys = op.points!.map((p) => p[1]);
      regions.push({ box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], fill });
    } else if (op.op === 'E' && fill) {
      const [x, y, w, h] = op.rect!;
      regions.push({ box: [x - w, y - h, x + w, y + h], fill });
    } else if (op.op === 'T') texts.push({ op, colour: pen, size });
  }
}

/** Every text of the drawing with the colour it is drawn in and the fill it is drawn on (white if none). */
export function drawnTexts(drawing: Drawing): DrawnText[] {
  const regions: Region[] = [];
  const texts: { op: Op; colour: string; size: number }[] = [];
  const objects: DrawnObject[] = [drawing, ...(drawing.objects ?? [])];
  for (const object of objects) {
    walk(object._draw_ ?? [], regions, texts);
    walk(object._ldraw_ ?? [], regions, texts);
  }
  return texts.map(({ op, colour, size }) => {
    // The middle of the text line (pt is its baseline).
    const x = op.pt![0];
    const y = op.pt![1] + size / 3;
    let background = '#FFFFFF';
    for (const region of regions) {
      const [x0, y0, x1, y1] = region.box;
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) background = region.fill;
    }
    return { text: op.text!, colour, background, ratio: contrastRatio(colour, background), px: (size * 96) / 72 };
  });
}

/** Render DOT: the drawing (json) and the PNG, kept as `test-artifacts/pictures/<name>.png`. */
export function renderPicture(name: string, dot: string): { drawing: Drawing; png: Buffer; width: number; height: number } {
  const drawing = JSON.parse(execFileSync('dot', ['-Tjson'], { input: dot, encoding: 'utf8', maxBuffer: 1 << 28 })) as Drawing;
  const png = execFileSync('dot', ['-Tpng'], { input: dot, maxBuffer: 1 << 28 });
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, `${name}.png`), png);
  // PNG header: width and height are the big-endian words at bytes 16 and 20.
  return { drawing, png, width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Legend samples of lines (`———`, `- - ▶`) are pictures of edges, not words to read. */
const LINE_SAMPLE = /^[\s—━\-▶]+$/;

/** The texts that are hard to read: contrast below WCAG AA (4.5) or smaller than 10 px. */
export function unreadable(texts: readonly DrawnText[]): DrawnText[] {
  return texts.filter((t) => !LINE_SAMPLE.test(t.text) && (t.ratio < 4.5 || t.px < 10));
}
