import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi, getConnectionState, hasHostToken, onConnectionState } from './api/client';
import { App } from './app/App';
import { setApi, setConnection, setHostTokenMissing, startSync } from './state';
import './styles/app.css';

setApi(getApi());
setHostTokenMissing(!hasHostToken());
setConnection(getConnectionState());
onConnectionState(setConnection);
startSync();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
