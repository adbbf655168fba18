import { describe, expect, it } from 'vitest';
import { titleFrom } from '../../../electron/services/chat/titles';

describe('titleFrom', () => {
  it('takes the first line, folded, and cuts long ones at a word', () => {
    expect(titleFrom('  What is   BitNet?\nMore detail here')).toBe('What is BitNet?');
    const long = 'Explain how ternary weights let a two billion parameter model run quickly on an ordinary laptop CPU';
    const title = titleFrom(long);
    expect(title.length).toBeLessThanOrEqual(61);
    expect(title.endsWith('…')).toBe(true);
    expect(long.startsWith(title.slice(0, -1))).toBe(true);
    expect(titleFrom('   \n  ')).toBe('New conversation');
    expect(titleFrom('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
  });
});
