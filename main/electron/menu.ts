/**
 * The application menu.
 */
import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  /** Asks for a folder and imports it. */
  importFolder(): void;
  /** The folder holding the database, caches and checkpoints. */
  readonly home: string;
}

export function buildMenu(win: () => BrowserWindow | null, actions: MenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import Image Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.importFolder() },
        { label: 'Open Data Folder', click: () => void shell.openPath(actions.home) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'About Bloombench',
          click: () => {
            const w = win();
            const options = {
              type: 'info' as const,
              title: 'About Bloombench',
              message: `Bloombench ${app.getVersion()}`,
              detail: `Train, compare and diagnose CNNs on image folders.\n\nData folder: ${actions.home}\nElectron ${process.versions.electron} · Node ${process.versions.node}`,
            };
            void (w ? dialog.showMessageBox(w, options) : dialog.showMessageBox(options));
          },
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
