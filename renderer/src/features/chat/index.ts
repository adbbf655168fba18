export { ConversationPane } from './components/ConversationPane';
