export { AboutPanel } from './components/AboutPanel';
