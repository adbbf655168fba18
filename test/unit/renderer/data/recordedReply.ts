/**
 * A recorded-like streamed reply, made deterministically from a fixed seed: a long Markdown answer
 * (headings, paragraphs, bullet and numbered lists, a task list, several fenced code blocks, a
 * table, a quote) cut into token-sized pieces the way a tokenizer would deliver them.
 */

/** mulberry32: a small seeded PRNG, so every run replays the very same stream. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'ternary weights model layer token cache memory bandwidth kernel matrix vector scale quantize ' +
  'inference prompt context window sampling temperature latency throughput thread batch decode ' +
  'prefill engine offline local packed block row column sum activation norm attention head ' +
  'the a of to and in is that it for with as on by this be are from at which can when each'
).split(' ');

const CODE: Record<string, string[]> = {
  ts: [
    'export function dot(a: Int8Array, b: Float32Array): number {',
    '  let sum = 0;',
    '  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];',
    '  return sum;',
    '}',
    '',
    'const scale = 1 / Math.sqrt(headDim); // keep it stable',
  ],
  python: [
    'def quantize(w, eps=1e-5):',
    '    scale = w.abs().mean().clamp(min=eps)',
    '    return (w / scale).round().clamp(-1, 1), scale',
    '',
    'for name, p in model.named_parameters():',
    '    print(f"{name}: {p.shape}")',
  ],
  bash: ['tern inspect models/bitnet-2b.gguf', 'tern bench --threads 8 --tokens 256 # decode speed'],
  c: [
    'static float rmsnorm(float *o, const float *x, int n) {',
    '    float ss = 0.0f;',
    '    for (int j = 0; j < n; j++) ss += x[j] * x[j];',
    '    return 1.0f / sqrtf(ss / n + 1e-5f);',
    '}',
  ],
};

function sentence(next: () => number, words: number): string {
  const picked: string[] = [];
  for (let i = 0; i < words; i++) {
    let word = WORDS[Math.floor(next() * WORDS.length)] ?? 'token';
    const roll = next();
    if (roll < 0.06) word = `**${word}**`;
    else if (roll < 0.1) word = `\`${word}\``;
    else if (roll < 0.12) word = `*${word}*`;
    picked.push(word);
  }
  const text = picked.join(' ');
  return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}.`;
}

function paragraph(next: () => number): string {
  const count = 2 + Math.floor(next() * 4);
  return Array.from({ length: count }, () => sentence(next, 6 + Math.floor(next() * 12))).join(' ');
}

function list(next: () => number, ordered: boolean): string {
  const count = 3 + Math.floor(next() * 4);
  return Array.from({ length: count }, (_, i) => `${ordered ? `${i + 1}.` : '-'} ${sentence(next, 4 + Math.floor(next() * 8))}`).join('\n');
}

function codeBlock(next: () => number): string {
  const languages = Object.keys(CODE);
  const language = languages[Math.floor(next() * languages.length)] ?? 'ts';
  const lines = CODE[language] ?? [];
  const repeat = 1 + Math.floor(next() * 3);
  const body = Array.from({ length: repeat }, () => lines.join('\n')).join('\n\n');
  return `\`\`\`${language}\n${body}\n\`\`\``;
}

function table(next: () => number): string {
  const rows = 4 + Math.floor(next() * 5);
  const lines = ['| Model | Threads | Tokens/s | Memory |', '| :--- | ---: | ---: | ---: |'];
  for (let i = 0; i < rows; i++) {
    const threads = 1 << Math.floor(next() * 4);
    lines.push(`| bitnet-${1 + Math.floor(next() * 8)}b | ${threads} | ${(5 + next() * 40).toFixed(1)} | ${(200 + next() * 2000).toFixed(0)} MB |`);
  }
  return lines.join('\n');
}

/** The whole reply, section after section, until it holds at least `minChars` characters. */
export function recordedReplyText(seed: number, minChars: number): string {
  const next = random(seed);
  const blocks: string[] = [];
  let length = 0;
  let section = 1;
  while (length < minChars) {
    const parts = [
      `## ${section}. ${sentence(next, 3).slice(0, -1)}`,
      paragraph(next),
      list(next, next() < 0.5),
      paragraph(next),
      codeBlock(next),
      next() < 0.4 ? table(next) : `> ${sentence(next, 10)}`,
      next() < 0.3 ? '- [x] measured\n- [ ] compared with ~~the old kernel~~' : paragraph(next),
    ];
    for (const part of parts) {
      blocks.push(part);
      length += part.length + 2;
    }
    section++;
  }
  return blocks.join('\n\n');
}

/** Cuts text into token-sized pieces: words with their leading space, punctuation, newlines. */
export function tokenize(text: string, seed: number): string[] {
  const next = random(seed);
  const pieces = text.match(/ ?[A-Za-z]+| ?\d+|\n+| +| ?[^\sA-Za-z\d]{1,3}/g) ?? [];
  const tokens: string[] = [];
  for (const piece of pieces) {
    // Long words come as several tokens, as they do from a BPE tokenizer.
    let rest = piece;
    while (rest.length > 6) {
      const size = 2 + Math.floor(next() * 4);
      tokens.push(rest.slice(0, size));
      rest = rest.slice(size);
    }
    if (rest) tokens.push(rest);
  }
  return tokens;
}

/** Exactly `count` tokens of the reply, in order (the stream the test replays). */
export function recordedStream(count: number, seed = 1158): string[] {
  const tokens = tokenize(recordedReplyText(seed, count * 6), seed + 1);
  if (tokens.length < count) throw new Error(`only ${tokens.length} tokens generated`);
  return tokens.slice(0, count);
}
