/** Release notes from GitHub's HTML to the plain text the app shows. */
import { describe, expect, it } from 'vitest';
import { MAX_NOTES, plainReleaseNotes } from '../../../electron/services/updates/release-notes';

describe('plainReleaseNotes', () => {
  it('turns a release body in HTML into text: paragraphs, list items, entities, no tags', () => {
    const html =
      '<h2>What&#39;s new</h2>\n<ul>\n<li>Faster <strong>decoding</strong> on AVX-512</li>\n<li>Fix: R&amp;D &lt;tags&gt;</li>\n</ul>\n<p>Thanks!<br>The team</p><script>alert(1)</script>';
    expect(plainReleaseNotes(html)).toBe("What's new\n\n• Faster decoding on AVX-512\n• Fix: R&D <tags>\n\nThanks!\nThe team");
  });

  it('keeps the lines of notes already in plain text', () => {
    expect(plainReleaseNotes('- Faster decoding\r\n- Fewer crashes\n\n\n\nThanks & bye')).toBe('- Faster decoding\n- Fewer crashes\n\nThanks & bye');
  });

  it('joins a full changelog (notes per version)', () => {
    expect(plainReleaseNotes([{ version: '0.3.0', note: '<p>Three</p>' }, { version: '0.2.0', note: 'Two' }, { version: '0.1.5', note: null }])).toBe(
      '0.3.0\nThree\n\n0.2.0\nTwo',
    );
  });

  it('has none for nothing', () => {
    for (const notes of [undefined, null, '', '<p> </p>', [], 7]) expect(plainReleaseNotes(notes)).toBeUndefined();
  });

  it('cuts very long notes', () => {
    const notes = plainReleaseNotes('word '.repeat(2000))!;
    expect(notes.length).toBeLessThanOrEqual(MAX_NOTES);
    expect(notes.endsWith('…')).toBe(true);
  });
});
