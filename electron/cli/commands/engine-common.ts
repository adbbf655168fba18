/** Helpers shared by the engine commands (inspect, tokenize, logits, run, synth). */
import { CliError, idList } from '../args';
import { type NativeAddon, loadAddon } from '../../services/native';

export function addon(): NativeAddon {
  try {
    return loadAddon();
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 1);
  }
}

/** Engine errors (they carry a `code`) become CLI errors naming the code. */
export async function engineCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && error instanceof Error) throw new CliError(`${what}: ${error.message} (${code})`, 1);
    throw error;
  }
}

export function argmaxTop(logits: Float32Array, k: number): [number, number][] {
  const values = Array.from(logits);
  const ids = values.map((_, i) => i);
  ids.sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0) || a - b);
  return ids.slice(0, k).map((id): [number, number] => [id, values[id] ?? 0]);
}

export function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The prompt of logits/run: --ids as given, or -p TEXT tokenized with the file's vocabulary (BOS per the file unless --no-bos; --special parses special tokens). */
export async function promptIds(
  path: string,
  values: { ids?: string; prompt?: string; special?: boolean; 'no-bos'?: boolean },
): Promise<number[]> {
  if (values.ids !== undefined && values.prompt !== undefined) throw new CliError('give the prompt as --ids or as -p, not both');
  if (values.ids !== undefined) return idList(values.ids, '--ids');
  if (values.prompt === undefined) throw new CliError('the prompt is required: --ids LIST or -p TEXT');
  const text = values.prompt;
  const vocab = await engineCall(`cannot load ${path}`, () => addon().Model.load(path, { metadataOnly: true }));
  try {
    const ids = await engineCall('cannot tokenize the prompt', () =>
      vocab.tokenize(text, { addBos: !values['no-bos'], special: values.special === true }),
    );
    if (ids.length === 0) throw new CliError('the prompt gives no tokens');
    return ids;
  } finally {
    await vocab.dispose();
  }
}
