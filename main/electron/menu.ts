/**
 * The application menu, in the OS's language (the page has its own switch; the menu follows the
 * system's preferred languages at start).
 */
import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { translator } from '../../shared/i18n/catalogue';
import type { Locale } from '../../shared/i18n/locale';
import { MENU_WORDS } from '../../shared/i18n/menu-words';

export interface MenuActions {
  /** Asks for a folder and imports it. */
  importFolder(): void;
  /** The folder holding the database, caches and checkpoints. */
  readonly home: string;
}

export function buildMenu(win: () => BrowserWindow | null, actions: MenuActions, locale: Locale = 'en'): Menu {
  const isMac = process.platform === 'darwin';
  const t = translator(MENU_WORDS, () => locale);
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: t('menu.file'),
      submenu: [
        { label: t('menu.import'), accelerator: 'CmdOrCtrl+O', click: () => actions.importFolder() },
        { label: t('menu.openData'), click: () => void shell.openPath(actions.home) },
        { type: 'separator' },
        isMac ? { role: 'close', label: t('menu.close') } : { role: 'quit', label: t('menu.quit') },
      ],
    },
    {
      label: t('menu.edit'),
      submenu: [
        { role: 'undo', label: t('menu.undo') },
        { role: 'redo', label: t('menu.redo') },
        { type: 'separator' },
        { role: 'cut', label: t('menu.cut') },
        { role: 'copy', label: t('menu.copy') },
        { role: 'paste', label: t('menu.paste') },
        { role: 'selectAll', label: t('menu.selectAll') },
      ],
    },
    {
      label: t('menu.view'),
      submenu: [
        { role: 'reload', label: t('menu.reload') },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const, label: t('menu.devTools') }]),
        { type: 'separator' },
        { role: 'resetZoom', label: t('menu.resetZoom') },
        { role: 'zoomIn', label: t('menu.zoomIn') },
        { role: 'zoomOut', label: t('menu.zoomOut') },
        { type: 'separator' },
        { role: 'togglefullscreen', label: t('menu.fullscreen') },
      ],
    },
    { label: t('menu.window'), submenu: [{ role: 'minimize', label: t('menu.minimize') }, { role: 'close', label: t('menu.close') }] },
    {
      role: 'help',
      label: t('menu.help'),
      submenu: [
        {
          label: t('menu.about'),
          click: () => {
            const w = win();
            const options = {
              type: 'info' as const,
              title: t('menu.about'),
              message: `Bloombench ${app.getVersion()}`,
              detail: t('menu.aboutDetail', { home: actions.home, electron: process.versions.electron, node: process.versions.node }),
            };
            void (w ? dialog.showMessageBox(w, options) : dialog.showMessageBox(options));
          },
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
