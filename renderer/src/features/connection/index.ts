export { ConnectionBanner } from './components/ConnectionBanner';
