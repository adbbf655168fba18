/**
 * Branches of a conversation's message tree: the branch shown with each message's versions (the
 * message and its siblings), switching the branch shown, and deleting a message with everything
 * after it on its branches.
 */
import type Database from 'better-sqlite3';
import type { BranchMessage, Conversation } from '../../common/contract';
import type { ConversationRepository } from './conversations';
import type { MessageRepository } from './messages';

/** What deleting a message did. */
export interface DeletedMessages {
  conversation: Conversation;
  /** The ids deleted: the message and its subtree. */
  ids: string[];
}

export class BranchRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly messages: MessageRepository,
    private readonly conversations: ConversationRepository,
  ) {}

  /** The active branch, root first, each message with the ids of its versions (oldest first). */
  activeBranch(conversationId: string): BranchMessage[] {
    const versions = this.db.prepare<[string, string | null], { id: string }>(
      'SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY seq',
    );
    return this.messages.activeBranch(conversationId).map((message) => ({
      ...message,
      versionIds: versions.all(conversationId, message.parentId).map((row) => row.id),
    }));
  }

  /**
   * Shows the branch through a message: the active leaf becomes the leaf reached by following
   * its most recent reply at each step. The conversation's updated time is left alone (switching
   * versions is not news).
   */
  activate(messageId: string): Conversation {
    const message = this.messages.require(messageId);
    const leaf = this.messages.latestLeaf(messageId);
    return this.conversations.setActiveLeaf(message.conversationId, leaf.id);
  }

  /** The message and every message after it on its branches, deepest first. */
  subtree(messageId: string): string[] {
    return this.db
      .prepare<[string], { id: string }>(
        `WITH RECURSIVE sub(id, depth) AS (
           SELECT id, 0 FROM messages WHERE id = ?
           UNION ALL
           SELECT m.id, s.depth + 1 FROM messages m JOIN sub s ON m.parent_id = s.id
         )
         SELECT id FROM sub ORDER BY depth DESC`,
      )
      .all(messageId)
      .map((row) => row.id);
  }

  /**
   * Deletes the message and its subtree, in one transaction, deepest first (so no foreign-key
   * cascade has to recurse however long the branch; the search index follows by trigger). If the
   * branch shown went with them, it moves to the latest leaf under the message's parent: another
   * version when one is left, else the parent itself, or nothing when the conversation is empty.
   * A context start inside the deleted part is cleared (ON DELETE SET NULL).
   */
  delete(messageId: string): DeletedMessages {
    return this.db.transaction((): DeletedMessages => {
      const message = this.messages.require(messageId);
      const ids = this.subtree(messageId);
      const remove = this.db.prepare('DELETE FROM messages WHERE id = ?');
      for (const id of ids) remove.run(id);
      const conversation = this.conversations.require(message.conversationId);
      if (conversation.activeLeafId !== null) return { conversation, ids };
      const next = this.latestUnder(message.conversationId, message.parentId);
      return { conversation: this.conversations.setActiveLeaf(message.conversationId, next), ids };
    })();
  }

  /** The latest leaf under a message (or, for null, under the roots); null when there is none. */
  private latestUnder(conversationId: string, parentId: string | null): string | null {
    if (parentId !== null) return this.messages.latestLeaf(parentId).id;
    const root = this.db
      .prepare<[string], { id: string }>(
        'SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS NULL ORDER BY seq DESC LIMIT 1',
      )
      .get(conversationId);
    return root ? this.messages.latestLeaf(root.id).id : null;
  }
}

