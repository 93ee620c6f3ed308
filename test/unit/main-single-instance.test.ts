import { describe, expect, it } from "vitest";
import { claimSingleInstance, revealWindow, type RevealableWindow, type SingleInstanceApp } from "../../main/single-instance.ts";

function fakeApp(hasLock: boolean) {
  const calls: string[] = [];
  let onSecondInstance: (() => void) | undefined;
  const app: SingleInstanceApp = {
    requestSingleInstanceLock: () => hasLock,
    quit: () => void calls.push("quit"),
    on: (_event, listener) => {
      onSecondInstance = listener;
      calls.push("listens");
    },
  };
  return { app, calls, secondLaunch: () => onSecondInstance?.() };
}

function fakeWindow(state: { minimized?: boolean; visible?: boolean; destroyed?: boolean } = {}) {
  const calls: string[] = [];
  const window: RevealableWindow = {
    isDestroyed: () => state.destroyed ?? false,
    isMinimized: () => state.minimized ?? false,
    isVisible: () => state.visible ?? true,
    restore: () => void calls.push("restore"),
    show: () => void calls.push("show"),
    focus: () => void calls.push("focus"),
  };
  return { window, calls };
}

describe("one Hearth at a time", () => {
  it("the first launch takes the lock and, on a second launch, shows its window", () => {
    const { app, calls, secondLaunch } = fakeApp(true);
    let shown = 0;
    expect(claimSingleInstance(app, () => shown++)).toBe(true);
    expect(calls).toEqual(["listens"]);
    secondLaunch();
    secondLaunch();
    expect(shown).toBe(2);
  });

  it("a second launch quits at once, starting nothing", () => {
    const { app, calls } = fakeApp(false);
    let shown = 0;
    expect(claimSingleInstance(app, () => shown++)).toBe(false);
    expect(calls).toEqual(["quit"]);
    expect(shown).toBe(0);
  });
});

describe("bringing the window forward", () => {
  it("restores a minimised window and focuses it", () => {
    const { window, calls } = fakeWindow({ minimized: true });
    expect(revealWindow(window, () => fakeWindow().window)).toBe(window);
    expect(calls).toEqual(["restore", "focus"]);
  });

  it("shows a hidden window", () => {
    const { window, calls } = fakeWindow({ visible: false });
    revealWindow(window, () => fakeWindow().window);
    expect(calls).toEqual(["show", "focus"]);
  });

  it("makes a new window when the old one was closed (Hearth lives on in the tray)", () => {
    const created = fakeWindow();
    expect(revealWindow(undefined, () => created.window)).toBe(created.window);
    expect(created.calls).toEqual(["focus"]);
    const destroyed = fakeWindow({ destroyed: true });
    expect(revealWindow(destroyed.window, () => created.window)).toBe(created.window);
    expect(destroyed.calls).toEqual([]);
  });
});
