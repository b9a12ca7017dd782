import { describe, expect, it } from 'vitest';
import { PALETTE, contrastRatio, hostColour, hostColours, luminance, textColourOn } from './palette.js';

describe('palette', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#FFFFFF')).toBeCloseTo(4.48, 2);
    expect(luminance('#FFFFFF')).toBeCloseTo(1, 5);
    expect(() => luminance('red')).toThrow(/#RRGGBB/);
  });

  it('gives text on every palette colour a contrast of at least 4.5 (WCAG AA)', () => {
    for (const fill of PALETTE) expect(contrastRatio(textColourOn(fill), fill)).toBeGreaterThanOrEqual(4.5);
  });

  it('colours a host by its name alone', () => {
    expect(hostColour('test1')).toBe(hostColour('test1'));
    expect(PALETTE).toContain(hostColour('anything'));
    expect(new Set(['a', 'b', 'c', 'd', 'e'].map(hostColour)).size).toBeGreaterThan(1);
  });
});

describe('host colours of one picture', () => {
  it('gives up to eight hosts distinct colours, each its own colour when free', () => {
    const hosts = ['front1', 'app1', 'app2', 'data1', 'h5', 'h6', 'h7', 'h8'];
    const colours = hostColours(hosts);
    expect(new Set(colours.values()).size).toBe(8);
    // The first host in name order always keeps its own colour.
    expect(colours.get('app1')).toBe(hostColour('app1'));
    expect(hostColours([...hosts].reverse())).toEqual(colours);
    expect(hostColours([...hosts, 'h9']).size).toBe(9);
  });
});
