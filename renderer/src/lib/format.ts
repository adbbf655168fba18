/** Numbers and names as the UI writes them. */
import type { EnergySource, ImportResult, Message, ModelFile } from './contract';

/** Decimal units, as file managers show model files: "1.2 GB", "640 MB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${bytes} B`;
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "180 ms" under a second, "1.4 s" from there. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The file name, and the model's own name when it has a different one. */
export function modelName(model: ModelFile): string {
  return model.name && model.name !== model.fileName ? `${model.fileName} (${model.name})` : model.fileName;
}

/** One line per model file in the picker: name, size, architecture, and why it cannot run. */
export function modelOptionLabel(model: ModelFile): string {
  const parts = [modelName(model), formatBytes(model.sizeBytes), model.arch ?? 'unknown architecture'];
  const label = parts.join(' · ');
  return model.problem ? `${label} — cannot run: ${model.problem}` : label;
}

/**
 * "42 tokens · 180 ms to first token · 31.2 tok/s · 4 threads · bitnet-2b.gguf · 1.23 J · 0.041 J/token";
 * what is not known is left out. The energy's source is said beside it (ReplyStats).
 */
export function formatReplyStats(message: Message): string {
  const { generatedTokens, ttftMs, decodeTokensPerSec, threads, energyJoules } = message.stats;
  const parts: string[] = [];
  if (generatedTokens !== null) parts.push(plural(generatedTokens, 'token', 'tokens'));
  if (ttftMs !== null) parts.push(`${formatDuration(ttftMs)} to first token`);
  if (decodeTokensPerSec !== null) parts.push(`${decodeTokensPerSec.toFixed(1)} tok/s`);
  if (threads !== null && threads !== undefined) parts.push(plural(threads, 'thread', 'threads'));
  if (message.modelName) parts.push(message.modelName);
  if (energyJoules !== null && energyJoules !== undefined) {
    parts.push(`${formatJoules(energyJoules)} J`);
    if (generatedTokens) parts.push(`${formatJoules(energyJoules / generatedTokens)} J/token`);
  }
  return parts.join(' · ');
}

/** The words for where an energy figure comes from, as the UI shows them beside it. */
export const ENERGY_SOURCE_WORDS: Record<EnergySource, string> = {
  measured: 'measured',
  'os-estimate': 'OS estimate',
  modelled: 'modelled',
};

const SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** Joules without the unit, to 3 significant digits ("1.23", "0.041", "12.5"); whole from 100 ("1,234"). */
export function formatJoules(joules: number): string {
  if (joules >= 100) return Math.round(joules).toLocaleString('en-US');
  return SIGNIFICANT.format(joules);
}

/** "12.3 W". */
export function formatWatts(watts: number): string {
  return `${watts.toFixed(1)} W`;
}

/** "Imported 2 conversations: 14 messages added, 3 already here." (what an import did). */
export function describeImport(result: ImportResult): string {
  const { conversations, conversationsAdded, messagesAdded, messagesSkipped } = result;
  if (conversations === 0) return 'The file holds no conversations.';
  if (messagesAdded === 0 && conversationsAdded === 0) {
    return `Nothing new: ${conversations === 1 ? 'the conversation is' : `all ${conversations} conversations are`} already here.`;
  }
  const fresh = conversationsAdded < conversations ? ` (${conversationsAdded} new)` : '';
  const skipped = messagesSkipped > 0 ? `, ${messagesSkipped} already here` : '';
  return `Imported ${plural(conversations, 'conversation', 'conversations')}${fresh}: ${plural(messagesAdded, 'message', 'messages')} added${skipped}.`;
}

/** "12 MB/s", "2.5 MB/s" (decimal units, like formatBytes; a decimal under 10 MB/s). */
export function formatSpeed(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1e6 && bytesPerSecond < 1e7) return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** Time left, roughly: "under a minute", "about 4 min", "about 1 h 20 min". */
export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** "2.4B", "700M" from a count in billions (as the catalog publishes it). */
export function formatBillions(billions: number): string {
  if (billions < 1) return `${Math.round(billions * 1000)}M`;
  return `${Number(billions.toFixed(1))}B`;
}

/** "2.4B" from a plain parameter count. */
export function formatParameterCount(count: number): string {
  return formatBillions(count / 1e9);
}

/** "4,096 tokens". */
export function formatTokens(tokens: number): string {
  return `${tokens.toLocaleString('en-US')} ${tokens === 1 ? 'token' : 'tokens'}`;
}

/** "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago", else the date. */
export function formatRelativeTime(at: number, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${plural(minutes, 'minute', 'minutes')} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${plural(hours, 'hour', 'hours')} ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 30) return `${days} days ago`;
  return new Date(at).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "decode avx512 · prefill amx" (the kernel paths a model runs on, on this CPU). */
export function formatKernels(kernels: { decode: string; prefill: string }): string {
  return `decode ${kernels.decode} · prefill ${kernels.prefill}`;
}
