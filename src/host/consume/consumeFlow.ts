/**
 * A multi-step quick input: one title, a step counter ("2/5") and a Back button, so "Consume from
 * Offset…" reads as one flow rather than a row of unrelated pickers. Each step resolves with the
 * choice, or throws {@link Back} / {@link Cancelled}.
 */
import * as vscode from 'vscode';

export class Cancelled extends Error {}
export class Back extends Error {}

export interface FlowItem<T> extends vscode.QuickPickItem {
  value: T;
}

export class QuickFlow {
  constructor(
    private readonly title: string,
    public totalSteps: number,
  ) {}

  private run<R>(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, step: number, wire: (done: (r: R) => void, fail: (e: Error) => void) => vscode.Disposable[]): Promise<R> {
    input.title = this.title;
    input.step = step;
    input.totalSteps = this.totalSteps;
    input.ignoreFocusOut = true;
    input.buttons = step > 1 ? [vscode.QuickInputButtons.Back] : [];
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        f();
        for (const d of disposables) d.dispose();
        input.dispose();
      };
      const disposables = [
        input.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(() => reject(new Back()))),
        input.onDidHide(() => finish(() => reject(new Cancelled()))),
        ...wire(
          (r) => finish(() => resolve(r)),
          (e) => finish(() => reject(e)),
        ),
      ];
      input.show();
    });
  }

  pick<T>(step: number, placeholder: string, items: FlowItem<T>[], active?: T): Promise<T> {
    const qp = vscode.window.createQuickPick<FlowItem<T>>();
    qp.placeholder = placeholder;
    qp.items = items;
    const activeItem = items.find((i) => i.value === active);
    if (activeItem) qp.activeItems = [activeItem];
    return this.run<T>(qp as unknown as vscode.QuickPick<vscode.QuickPickItem>, step, (done) => [
      qp.onDidAccept(() => {
        const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
        if (chosen) done(chosen.value);
      }),
    ]);
  }

  pickMany<T>(step: number, placeholder: string, items: FlowItem<T>[]): Promise<T[]> {
    const qp = vscode.window.createQuickPick<FlowItem<T>>();
    qp.placeholder = placeholder;
    qp.canSelectMany = true;
    qp.items = items;
    qp.selectedItems = items.filter((i) => i.picked);
    return this.run<T[]>(qp as unknown as vscode.QuickPick<vscode.QuickPickItem>, step, (done) => [qp.onDidAccept(() => done(qp.selectedItems.map((i) => i.value)))]);
  }

  input(step: number, prompt: string, value: string, validate: (v: string) => string | undefined): Promise<string> {
    const box = vscode.window.createInputBox();
    box.prompt = prompt;
    box.value = value;
    return this.run<string>(box, step, (done) => [
      box.onDidChangeValue((v) => (box.validationMessage = validate(v))),
      box.onDidAccept(() => {
        const problem = validate(box.value);
        box.validationMessage = problem;
        if (!problem) done(box.value);
      }),
    ]);
  }
}

/**
 * Runs steps in order; Back re-runs the step before (skipping steps that did not show anything,
 * i.e. returned false).
 */
export async function runSteps(steps: (() => Promise<boolean | void>)[]): Promise<void> {
  const shown: number[] = [];
  let i = 0;
  while (i < steps.length) {
    try {
      const showed = await steps[i]();
      if (showed !== false) shown.push(i);
      i++;
    } catch (e) {
      if (!(e instanceof Back)) throw e;
      const previous = shown.pop();
      i = previous ?? 0;
    }
  }
}
