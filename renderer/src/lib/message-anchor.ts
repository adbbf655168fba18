/** The DOM id of a message's article: where a search hit scrolls to (also data-message-id). */
export function messageElementId(messageId: string): string {
  return `message-${messageId}`;
}
