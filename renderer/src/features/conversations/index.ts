export { ConversationSidebar } from './components/ConversationSidebar';
