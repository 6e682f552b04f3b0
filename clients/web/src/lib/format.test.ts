import { describe, expect, it } from 'vitest';
import { formatWait, splitTitle } from './format';

describe('splitTitle', () => {
  it('splits the question from its code, keeping blank lines and indentation inside the code', () => {
    expect(splitTitle('What does this print?\n\ndef f():\n    return 1\n\nprint(f())')).toEqual({
      question: 'What does this print?',
      code: 'def f():\n    return 1\n\nprint(f())',
      note: null,
    });
  });

  it('keeps a closing note out of the code', () => {
    expect(splitTitle('What does this log?\n\nconsole.log("s");\n\n(Outputs are shown separated by spaces.)')).toEqual({
      question: 'What does this log?',
      code: 'console.log("s");',
      note: '(Outputs are shown separated by spaces.)',
    });
  });

  it('has no code for a one-paragraph title', () => {
    expect(splitTitle('What does `print(7 // 2)` output in Python 3?')).toEqual({
      question: 'What does `print(7 // 2)` output in Python 3?',
      code: null,
      note: null,
    });
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
