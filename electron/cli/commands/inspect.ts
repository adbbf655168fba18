/** `tern inspect FILE`: architecture, hyper-parameters, tensors and formats, tokenizer keys, RAM. */
import { CliError, type Command, intOption, parse } from '../args';
import { addon, bytes, engineCall } from './engine-common';

const help = `usage: tern inspect FILE [--ctx N] [--json] [--tensors]

Describes a model file without loading its weights: architecture, hyper-parameters, the
tensors and their formats, the tokenizer keys, and the memory a context of N positions needs.
A file the engine cannot run is refused with the reason. A vocabulary-only file (a tokenizer and
no weights) is described as such (--json: "tokenizerOnly": true).

options:
  --ctx N     context size for the memory estimate (default: the model's training context)
  --tensors   list every tensor (the default shows a count per type)
  --json      print one JSON object`;

export const inspect: Command = {
  summary: 'describe a model file (architecture, tensors, tokenizer keys, memory)',
  help,
  async run(argv) {
    const { values, positionals, flag } = parse(argv, { ctx: { type: 'string' }, json: { type: 'boolean' }, tensors: { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new CliError(positionals.length === 0 ? 'FILE is required (the GGUF file to describe)' : 'takes exactly one FILE');
    const file = positionals[0] as string;
    const nCtx = intOption(values.ctx, flag('ctx'), 0, 0, 1 << 24);
    const d = await engineCall(`cannot inspect ${file}`, () => addon().inspect(file, nCtx));
    // A vocabulary-only GGUF (tokenizer keys, no tensors): say so rather than describe an empty model.
    const tokenizerOnly = d.tensors.length === 0;
    if (values.json) {
      console.log(JSON.stringify({ ...d, tokenizerOnly }, null, 2));
      return 0;
    }
    const h = d.hparams;
    if (tokenizerOnly) {
      const kind = d.metadata.find((kv) => kv.key === 'tokenizer.ggml.model')?.value;
      const lines = [
        `file          ${file} (${bytes(d.fileBytes)}, GGUF v${d.ggufVersion})`,
        `architecture  ${d.arch}${d.name ? ` ("${d.name}")` : ''}`,
        `contents      a tokenizer only${kind ? ` (${kind}, ${h.nVocab} tokens)` : ` (${h.nVocab} tokens)`}: no weights, so it cannot be run.`,
        `              Use it with \`tern tokenize -m FILE\`, or as \`tern synth --vocab FILE\`.`,
        'metadata:',
        ...d.metadata.map((kv) => `  ${kv.key} = ${kv.value}`),
      ];
      console.log(lines.join('\n'));
      return 0;
    }
    const typeCounts = new Map<string, number>();
    for (const t of d.tensors) typeCounts.set(t.type, (typeCounts.get(t.type) ?? 0) + 1);
    const lines = [
      `file          ${file} (${bytes(d.fileBytes)}, GGUF v${d.ggufVersion})`,
      `architecture  ${d.arch}${d.name ? ` ("${d.name}")` : ''}`,
      `weights       ${d.weightType} ternary projections, ${(d.nParams / 1e6).toFixed(1)} M parameters`,
      `shape         vocab ${h.nVocab}, embd ${h.nEmbd}, layers ${h.nLayer}, heads ${h.nHead}/${h.nHeadKv} kv, head dim ${h.headDim}, ff ${h.nFf}`,
      `              context ${h.nCtxTrain}, rope theta ${h.ropeTheta} (dims ${h.nRot}), rms eps ${h.rmsEps.toPrecision(3)}, ffn ${d.ffnAct}`,
      `head          ${d.headTensor}${d.tiedHead ? ' (tied to the embedding)' : ''}`,
      `tensors       ${d.tensors.length}: ${[...typeCounts].map(([t, n]) => `${n} ${t}`).join(', ')}`,
    ];
    if (values.tensors) {
      for (const t of d.tensors) lines.push(`  ${t.name.padEnd(32)} ${t.type.padEnd(6)} [${t.shape.join(', ')}]  ${bytes(t.bytes)}`);
    }
    lines.push('metadata:');
    for (const kv of d.metadata) lines.push(`  ${kv.key} = ${kv.value}`);
    const m = d.memory;
    lines.push(
      `memory at ctx ${m.nCtx}: ${bytes(m.total)} (weights ${bytes(m.weights)}, KV cache ${bytes(m.kvCache)}, scratch ${bytes(m.scratch)})`,
    );
    console.log(lines.join('\n'));
    return 0;
  },
};
