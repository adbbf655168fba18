export { monotonicClock, openStore, type Store, type StoreOptions } from './store';
export { ConversationRepository, DEFAULT_TITLE, type NewConversation } from './conversations';
export { MessageRepository, type MessageChanges, type NewMessage } from './messages';
export { SettingsRepository } from './settings';
export { ModelFileRepository, type ModelFileRow } from './model-files';
export { migrate, migrations, latestVersion, schemaVersion, type Migration, type MigrationResult } from './migrations';
export { toFtsQuery } from './fts-query';
export type { JsonObject, JsonValue } from './json';
