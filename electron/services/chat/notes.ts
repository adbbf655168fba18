/** What a reply says about how it ended, in words the user reads under it. */
import type { StopReason } from '../native';

export const NOTE_STOPPED = 'Stopped. Continue resumes the reply.';
export const NOTE_CLOSED = 'Tern was closed while this reply was being written; the text so far is kept. Continue resumes it.';

export function crashNote(reason: string): string {
  return `The engine stopped unexpectedly (${reason}) and was restarted; the text so far is kept. Continue resumes the reply.`;
}

/** The note for a reply that ended by itself, or null when there is nothing to say. */
export function endNote(reason: StopReason, maxTokens: number): string | null {
  switch (reason) {
    case 'max_tokens':
      return `The reply reached its limit of ${maxTokens} tokens. Continue asks for more.`;
    case 'context_end':
      return 'The reply filled the model’s context and stopped.';
    default:
      return null;
  }
}
