import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';

const { setState } = useTernStore;

export async function loadAppInfo(): Promise<void> {
  setState({ appInfoStatus: 'loading', appInfoError: null });
  try {
    const appInfo = await getStoreApi().getAppInfo({});
    setState({ appInfo, appInfoStatus: 'ready' });
  } catch (error) {
    setState({ appInfoStatus: 'error', appInfoError: describeError(error) });
  }
}
