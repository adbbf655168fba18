/** For the prompt tests: a loaded native model (metadata-only is enough) seen as the prompt builder's tokenizer. */
import type { NativeModel } from '../../../electron/services/native';
import type { PromptTokenizer } from '../../../electron/services/chat/prompt';

export function promptTokenizer(model: NativeModel): PromptTokenizer {
  const info = model.info();
  return {
    arch: info.arch,
    chatTemplate: info.chatTemplate,
    bos: info.tokenizer.bos,
    eos: info.tokenizer.eos,
    eot: info.tokenizer.eot,
    addBos: info.tokenizer.addBos,
    specialTokens: model.specialTokens(),
    tokenize: (text, options) => model.tokenize(text, options),
  };
}
