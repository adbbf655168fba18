/**
 * Puts text on the clipboard. navigator.clipboard needs a secure context (the desktop app and
 * http://127.0.0.1 are; a LAN address over http is not): there, a selected hidden text area and
 * the copy command do it. Rejects when neither works.
 */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  try {
    area.select();
    if (typeof document.execCommand !== 'function' || !document.execCommand('copy')) {
      throw new Error('The clipboard is not available here.');
    }
  } finally {
    area.remove();
  }
}
