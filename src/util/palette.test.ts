import { describe, expect, it } from 'vitest';
import { PALETTE, contrastRatio, hostColour, luminance, textColourOn } from './palette.js';

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
