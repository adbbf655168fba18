/** `tern logits -m FILE --ids 1,2,3 | -p TEXT`: the last position's logits. */
import { writeFileSync } from 'node:fs';
import { CliError, type Command, intOption, parse, threadsOption } from '../args';
import { addon, argmaxTop, engineCall, promptIds } from './engine-common';

const help = `usage: tern logits -m FILE (--ids 1,2,3 | -p TEXT [--special] [--no-bos]) [--top K] [--dump OUT.f32] [-t THREADS] [--isa PATH] [--head q8_0|q6_k|f16] [--json]

Evaluates the token ids (or the tokens of TEXT) from position 0 and prints the top K logits of
the last position.

options:
  -m, --model FILE    the model
  --ids LIST          comma-separated token ids
  -p, --prompt TEXT   the text, tokenized with the file's vocabulary (BOS when the file asks for it)
  --special           parse special-token text in TEXT into its id
  --no-bos            do not prepend BOS to TEXT
  --top K             how many of the largest logits to print (default 10)
  --dump OUT.f32      also write all n_vocab logits as float32 little-endian
  -t, --threads N     threads, at most the machine's logical cores; 0: all hardware threads (default 0)
  --isa PATH          force a kernel path: scalar, avx2, avxvnni, avx512, amx, neon
  --head TYPE         the LM head in memory: q8_0 (default), q6_k, f16
  --json              print one JSON object`;

export const logits: Command = {
  summary: 'print the last-position logits for token ids',
  help,
  async run(argv) {
    const { values, flag } = parse(argv, {
      model: { type: 'string', short: 'm' },
      ids: { type: 'string' },
      prompt: { type: 'string', short: 'p' },
      special: { type: 'boolean' },
      'no-bos': { type: 'boolean' },
      top: { type: 'string' },
      dump: { type: 'string' },
      threads: { type: 'string', short: 't' },
      isa: { type: 'string' },
      head: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.model) throw new CliError('-m FILE is required (the model)');
    const top = intOption(values.top, flag('top'), 10, 1, 1 << 24);
    const threads = threadsOption(values.threads, flag('threads'));
    const ids = await promptIds(values.model, values);
    const native = addon();
    const model = await engineCall(`cannot load ${values.model}`, () =>
      native.Model.load(values.model as string, { threads, nCtx: ids.length, isa: values.isa, head: values.head }),
    );
    try {
      const out = await engineCall('cannot compute logits', () => model.logits(ids));
      if (values.dump) writeFileSync(values.dump, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
      const best = argmaxTop(out, top);
      if (values.json) {
        console.log(JSON.stringify({ model: values.model, isa: model.isa, ids, nVocab: out.length, top: best, dump: values.dump ?? null }));
      } else {
        console.log(`${values.model}: ${ids.length} ids, ${out.length} logits (${model.isa})`);
        for (const [id, v] of best) console.log(`${String(id).padStart(8)}  ${v.toFixed(6)}`);
      }
      return 0;
    } finally {
      await model.dispose();
    }
  },
};
