export { ModelsPanel } from './components/ModelsPanel';
