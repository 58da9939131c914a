/** The one handle to the host, typed by the webview's protocol. */
interface VsCodeApi<Out, State> {
  postMessage(message: Out): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<Out, State>(): VsCodeApi<Out, State>;

let api: unknown;

export function vscodeApi<Out, State = unknown>(): VsCodeApi<Out, State> {
  api ??= acquireVsCodeApi<Out, State>();
  return api as VsCodeApi<Out, State>;
}

/** Subscribes to host messages of one protocol; the host is trusted, but the shape is still checked. */
export function onHostMessage<In extends { type: string }>(handler: (message: In) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') handler(data as In);
  });
}
