import { describe, expect, it } from 'vitest';
import { formatWait, splitCode } from './format';

describe('splitCode', () => {
  it('keeps blank lines and indentation inside the code', () => {
    expect(splitCode('def f():\n    return 1\n\nprint(f())')).toEqual({
      code: 'def f():\n    return 1\n\nprint(f())',
      note: null,
    });
  });

  it('keeps a closing note out of the code', () => {
    expect(splitCode('console.log("s");\n\n(Outputs are shown separated by spaces.)')).toEqual({
      code: 'console.log("s");',
      note: '(Outputs are shown separated by spaces.)',
    });
  });

  it('never takes a whole listing for a note', () => {
    expect(splitCode('Console.WriteLine is not here.')).toEqual({ code: 'Console.WriteLine is not here.', note: null });
  });
});

describe('formatWait', () => {
  it('says hours and minutes', () => {
    const now = Date.parse('2026-12-01T09:00:00Z');
    expect(formatWait('2026-12-02T09:00:00Z', now)).toBe('in 24 h');
    expect(formatWait('2026-12-01T10:30:00Z', now)).toBe('in 1 h 30 min');
    expect(formatWait('2026-12-01T09:05:00Z', now)).toBe('in 5 min');
    expect(formatWait('2026-12-01T09:00:30Z', now)).toBe('in under a minute');
    expect(formatWait('2026-12-01T08:00:00Z', now)).toBe('now');
  });
});
