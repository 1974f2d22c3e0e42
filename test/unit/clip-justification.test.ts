/** Cutting a justification to what the request form's field holds. */
import { describe, expect, it } from 'vitest';
import { JUSTIFICATION_MAX, clipJustification } from '../../src/domain/request-input.js';

describe('clipJustification', () => {
  it('leaves a text within the limit alone', () => {
    expect(clipJustification('a'.repeat(JUSTIFICATION_MAX))).toEqual({ text: 'a'.repeat(JUSTIFICATION_MAX), length: JUSTIFICATION_MAX, clipped: false });
  });

  it('cuts a longer text to the limit and says how long it was', () => {
    expect(clipJustification('a'.repeat(1200))).toEqual({ text: 'a'.repeat(JUSTIFICATION_MAX), length: 1200, clipped: true });
  });

  it('never splits an emoji and stays within the limit in UTF-16 units too', () => {
    const text = '🔑'.repeat(600);
    const clipped = clipJustification(text);

    expect(clipped).toMatchObject({ length: 600, clipped: true });
    expect(clipped.text).toBe('🔑'.repeat(JUSTIFICATION_MAX / 2));
    expect(clipped.text.length).toBeLessThanOrEqual(JUSTIFICATION_MAX);
  });
});
