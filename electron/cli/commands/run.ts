/** `tern run -m FILE --ids ... -n N --temp 0`: greedy continuation, ids out. */
import { CliError, type Command, idList, intOption, parse } from '../args';
import { addon, engineCall } from './engine-common';

const help = `usage: tern run -m FILE --ids LIST -n N [--temp 0] [-t THREADS] [--isa PATH] [--json]

Evaluates the ids, then generates N tokens greedily (argmax, ties to the lowest id) and prints
their ids. Only --temp 0 is supported here; sampling comes with the tokenizer and sampler.

options:
  -m, --model FILE    the model
  --ids LIST          comma-separated prompt token ids
  -n N                tokens to generate (default 16)
  --temp T            temperature (only 0)
  -t, --threads N     threads (default: all)
  --isa PATH          force a kernel path: scalar, avx2, avx512, neon
  --json              print one JSON object`;

export const run: Command = {
  summary: 'generate token ids greedily after a prompt of ids',
  help,
  async run(argv) {
    const { values } = parse(argv, {
      model: { type: 'string', short: 'm' },
      ids: { type: 'string' },
      n: { type: 'string', short: 'n' },
      temp: { type: 'string' },
      threads: { type: 'string', short: 't' },
      isa: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.model) throw new CliError('tern run needs -m FILE');
    if (!values.ids) throw new CliError('tern run needs --ids');
    if (values.temp !== undefined && Number(values.temp) !== 0) throw new CliError('tern run supports only --temp 0 (greedy) for now');
    const ids = idList(values.ids, 'ids');
    const n = intOption(values.n, 'n', 16, 0, 1 << 20);
    const threads = intOption(values.threads, 'threads', 0, 0, 1024);
    const native = addon();
    const model = await engineCall(`cannot load ${values.model}`, () =>
      native.Model.load(values.model as string, { threads, nCtx: ids.length + n, isa: values.isa }),
    );
    try {
      const started = process.hrtime.bigint();
      const out = await engineCall('generation failed', () => model.run(ids, n));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (values.json) {
        console.log(JSON.stringify({ model: values.model, isa: model.isa, threads: model.threads, prompt: ids, ids: out, seconds }));
      } else {
        console.log(out.join(','));
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};
