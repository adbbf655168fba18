/** `tern tokenize -m FILE -p TEXT [--special] [--no-bos] [--json]`: text to token ids. */
import { CliError, type Command, parse } from '../args';
import { addon, engineCall } from './engine-common';

const help = `usage: tern tokenize -m FILE -p TEXT [--special] [--no-bos] [--json]

Tokenizes TEXT with the vocabulary of FILE (a model or a vocabulary-only GGUF; no weights are
loaded) and prints the ids and their pieces.

options:
  -m, --model FILE    the GGUF file
  -p, --prompt TEXT   the text
  --special           parse special-token text (<|eot_id|>, ...) into its id
  --no-bos            never prepend BOS (by default it is added when the file asks for it)
  --json              print one JSON object: { ids, pieces }`;

export const tokenize: Command = {
  summary: 'print the token ids of a text',
  help,
  async run(argv) {
    const { values } = parse(argv, {
      model: { type: 'string', short: 'm' },
      prompt: { type: 'string', short: 'p' },
      special: { type: 'boolean' },
      'no-bos': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (!values.model) throw new CliError('-m FILE is required (a model or vocabulary-only GGUF)');
    if (values.prompt === undefined) throw new CliError('-p TEXT is required (the text to tokenize)');
    const text = values.prompt;
    const native = addon();
    const model = await engineCall(`cannot load ${values.model}`, () =>
      native.Model.load(values.model as string, { metadataOnly: true }),
    );
    try {
      const ids = await engineCall('cannot tokenize', () => model.tokenize(text, { addBos: !values['no-bos'], special: values.special === true }));
      // Each id's own text; a piece that is part of a UTF-8 character shows as U+FFFD.
      const pieces = await Promise.all(ids.map((id) => model.detokenize([id])));
      if (values.json) {
        console.log(JSON.stringify({ model: values.model, ids, pieces }));
      } else {
        console.log(ids.join(','));
        for (let i = 0; i < ids.length; i++) console.log(`${String(ids[i]).padStart(8)}  ${JSON.stringify(pieces[i])}`);
      }
      return 0;
    } finally {
      await model.dispose();
    }
  },
};
