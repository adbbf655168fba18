export { TuningPanel } from './components/TuningPanel';
