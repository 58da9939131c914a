/**
 * Adds the bundle's stylesheet (built beside its script, with the codicon font) and resolves once it
 * and the font have loaded, failed, or `timeoutMs` passed.
 *
 * A webview says "ready" only after this: VS Code serves a webview's resources through a service
 * worker shared by every webview of the extension, and a webview closed while one of its requests
 * is in flight leaves that worker waiting (up to 30 s) for an answer that never comes. Until then
 * the next webview of the extension cannot take the worker over and stays blank ("Found unexpected
 * service worker controller ... Waiting for controllerchange"). Seen when a viewer was closed just
 * after its rows were drawn and another opened at once; with nothing left loading once a webview is
 * ready, closing it is safe.
 */
export function loadBundleStyles(scriptUrl: string, timeoutMs = 5_000): Promise<void> {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('./main.css', scriptUrl).toString();
  const sheet = new Promise<void>((resolve) => {
    link.addEventListener('load', () => resolve());
    link.addEventListener('error', () => resolve());
  });
  document.head.append(link);
  const loaded = sheet.then(() => document.fonts.load('16px codicon')).then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([loaded, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs))]);
}
