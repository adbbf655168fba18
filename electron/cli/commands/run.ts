/** `tern run -m FILE (--ids ... | -p TEXT) -n N [sampler settings]`: generate, ids and text out. */
import { CliError, type Command, intOption, numberOption, parse, threadsOption } from '../args';
import type { GenerateOptions } from '../../services/native';
import { addon, engineCall, promptIds } from './engine-common';

const help = `usage: tern run -m FILE (--ids LIST | -p TEXT [--special] [--no-bos]) [-n N] [sampler settings] [--stop S]...
                [--draft N] [-t THREADS] [--isa PATH] [--head q8_0|q6_k|f16] [--json]

Evaluates the prompt, then generates up to N tokens, streaming their text to stdout as it comes,
then prints the ids. Stops early on the model's end-of-generation tokens (EOS, EOT) unless
--ignore-eos, and before any --stop string.

options:
  -m, --model FILE          the model
  --ids LIST                comma-separated prompt token ids
  -p, --prompt TEXT         the prompt text, tokenized with the model's vocabulary (BOS when the file asks for it)
  --special                 parse special-token text in TEXT into its id
  --no-bos                  do not prepend BOS to TEXT
  -n, --tokens N            tokens to generate at most, 1 or more (default 16)
  --temp T                  temperature; 0: greedy (argmax, lowest id on ties) (default 0.7)
  --top-k K                 keep the K most likely tokens; 0: off (default 40)
  --top-p P                 nucleus sampling; 1: off (default 0.9)
  --min-p P                 drop tokens below P x the best probability; 0: off (default 0.05)
  --repeat-penalty R        penalise tokens of the last --repeat-last-n; 1: off (default 1, off)
  --repeat-last-n N         window of the penalties (default 64)
  --frequency-penalty F     minus F x count (default 0)
  --presence-penalty P      minus P once seen (default 0)
  --seed S                  random seed; the same seed gives the same text (default 0)
  --stop STRING             stop before this text (repeatable)
  --ignore-eos              do not stop on EOS / EOT
  --draft N                 prompt-lookup drafting: check up to N tokens copied from earlier in the
                            text with each step; the same output, faster when the text repeats (default 0, off)
  -t, --threads N           threads, at most the machine's logical cores; 0: all hardware threads (default 0)
  --isa PATH                force a kernel path: scalar, avx2, avxvnni, avx512, amx, neon
  --head TYPE               the LM head in memory: q8_0 (default), q6_k, f16
  --json                    print one JSON object (ids, text, stop reason, timings) instead`;

export const run: Command = {
  summary: 'generate tokens after a prompt (ids or text), streaming the text',
  help,
  async run(argv) {
    const { values, flag } = parse(argv, {
      model: { type: 'string', short: 'm' },
      ids: { type: 'string' },
      prompt: { type: 'string', short: 'p' },
      special: { type: 'boolean' },
      'no-bos': { type: 'boolean' },
      tokens: { type: 'string', short: 'n' },
      temp: { type: 'string' },
      'top-k': { type: 'string' },
      'top-p': { type: 'string' },
      'min-p': { type: 'string' },
      'repeat-penalty': { type: 'string' },
      'repeat-last-n': { type: 'string' },
      'frequency-penalty': { type: 'string' },
      'presence-penalty': { type: 'string' },
      seed: { type: 'string' },
      stop: { type: 'string', multiple: true },
      'ignore-eos': { type: 'boolean' },
      draft: { type: 'string' },
      threads: { type: 'string', short: 't' },
      isa: { type: 'string' },
      head: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.model) throw new CliError('-m FILE is required (the model)');
    const n = intOption(values.tokens, flag('tokens'), 16, 1, 1 << 20);
    const threads = threadsOption(values.threads, flag('threads'));
    const settings: GenerateOptions = {
      maxTokens: n,
      temperature: numberOption(values.temp, flag('temp'), 0.7, 0, 1e6),
      topK: intOption(values['top-k'], flag('top-k'), 40, 0, 1 << 30),
      topP: numberOption(values['top-p'], flag('top-p'), 0.9, 0, 1),
      minP: numberOption(values['min-p'], flag('min-p'), 0.05, 0, 1),
      repeatPenalty: numberOption(values['repeat-penalty'], flag('repeat-penalty'), 1, 0, 1e6),
      repeatLastN: intOption(values['repeat-last-n'], flag('repeat-last-n'), 64, 0, 1 << 24),
      frequencyPenalty: numberOption(values['frequency-penalty'], flag('frequency-penalty'), 0, -1e6, 1e6),
      presencePenalty: numberOption(values['presence-penalty'], flag('presence-penalty'), 0, -1e6, 1e6),
      seed: intOption(values.seed, flag('seed'), 0, 0, Number.MAX_SAFE_INTEGER),
      stop: values.stop ?? [],
      ignoreEog: values['ignore-eos'] === true,
      draftMax: intOption(values.draft, flag('draft'), 0, 0, 64),
    };
    const modelPath = values.model;
    const ids = await promptIds(modelPath, values);
    const native = addon();
    const model = await engineCall(`cannot load ${modelPath}`, () =>
      native.Model.load(modelPath, { threads, nCtx: ids.length + Math.max(n, 1), isa: values.isa, head: values.head }),
    );
    try {
      const started = process.hrtime.bigint();
      const stream = values.json ? undefined : (event: { text: string }) => process.stdout.write(event.text);
      const out = await engineCall('generation failed', () => model.generate(ids, settings, stream));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (values.json) {
        const { ids: generated, text, ...stats } = out;
        console.log(
          JSON.stringify({ model: modelPath, isa: model.isa, threads: model.threads, prompt: ids, ids: generated, text, ...stats, seconds }),
        );
      } else {
        process.stdout.write('\n');
        console.log(out.ids.join(','));
        console.error(
          `${out.promptTokens} prompt tokens (${out.prefillTokensPerSecond.toFixed(1)} tok/s), ${out.generatedTokens} generated ` +
            `(${out.decodeTokensPerSecond.toFixed(1)} tok/s), first token after ${out.ttftMs.toFixed(1)} ms, stop: ${out.stopReason}` +
            (out.draftedTokens > 0 ? `, drafted ${out.draftedTokens} (${out.draftTokensAccepted} kept)` : ''),
        );
      }
      return 0;
    } finally {
      await model.dispose();
    }
  },
};
