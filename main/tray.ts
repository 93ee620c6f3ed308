// Electron wiring of the tray: tray-model.ts decides what the menu says; this turns it into a Menu.
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from "electron";
import type { TrayAction, TrayModel } from "./tray-model.ts";

export interface HearthTray {
  show(model: TrayModel): void;
  destroy(): void;
}

export function createHearthTray(iconPath: string, onAction: (action: TrayAction) => void, onClick: () => void): HearthTray {
  const icon = nativeImage.createFromPath(iconPath);
  if (process.platform === "darwin") icon.setTemplateImage(true);
  const tray = new Tray(icon);
  // Windows and most Linux desktops open the window on a click of the icon; the menu is on right-click.
  tray.on("click", onClick);
  return {
    show(model) {
      tray.setToolTip(model.tooltip);
      const template = model.items.map((item): MenuItemConstructorOptions => {
        switch (item.kind) {
          case "status":
            return { label: item.label, enabled: false };
          case "separator":
            return { type: "separator" };
          case "action":
            return { label: item.label, enabled: item.isEnabled, click: () => onAction(item.action) };
          case "checkbox":
            return { label: item.label, type: "checkbox", checked: item.isChecked, click: () => onAction(item.action) };
        }
      });
      tray.setContextMenu(Menu.buildFromTemplate(template));
    },
    destroy: () => tray.destroy(),
  };
}
