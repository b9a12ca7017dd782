/**
 * The colours of the visualisers' diagrams (deployment, infrastructure), in one place.
 * The look (docs/visualize.md): black text everywhere, on white service boxes, light grey container
 * boxes and near-white machine boxes framed in the machine's palette colour; every fill/text pair has
 * a WCAG contrast of at least 4.5 (tests compute it from these colours).
 */
export const LOOK = {
  text: '#000000',
  machineFill: '#F7F7F7',
  containerFill: '#E4E4E4',
  serviceFill: '#FFFFFF',
  edge: '#404040',
  running: '#CCEBD9',
  dead: '#F9D3CF',
  deadBorder: '#C00000',
} as const;
