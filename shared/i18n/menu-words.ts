/**
 * The desktop app's menu and its About box (main/electron/menu.ts), in the OS's language.
 */
import { defineMessages } from './catalogue';

export const MENU_WORDS = defineMessages({
  'menu.file': { en: 'File', ko: '파일' },
  'menu.import': { en: 'Import Image Folder…', ko: '이미지 폴더 가져오기…' },
  'menu.openData': { en: 'Open Data Folder', ko: '데이터 폴더 열기' },
  'menu.edit': { en: 'Edit', ko: '편집' },
  'menu.view': { en: 'View', ko: '보기' },
  'menu.window': { en: 'Window', ko: '창' },
  'menu.help': { en: 'Help', ko: '도움말' },
  'menu.about': { en: 'About Bloombench', ko: 'Bloombench 정보' },
  'menu.aboutDetail': {
    en: 'Train, compare and diagnose CNNs on image folders.\n\nData folder: {home}\nElectron {electron} · Node {node}',
    ko: '이미지 폴더로 CNN을 학습하고 비교하고 진단합니다.\n\n데이터 폴더: {home}\nElectron {electron} · Node {node}',
  },
  'dialog.pickFolder': { en: 'Import an image folder', ko: '이미지 폴더 가져오기' },
  'dialog.pickWeights': { en: 'Start from a weights file', ko: '가중치 파일에서 시작' },
  'dialog.stateDicts': { en: 'torchvision state dicts', ko: 'torchvision 가중치 파일' },
  'dialog.importFailed': { en: 'The import failed', ko: '가져오기에 실패했습니다' },
  'dialog.noDatabase': { en: 'Bloombench could not open its database', ko: 'Bloombench가 데이터베이스를 열 수 없습니다' },
  'menu.undo': { en: 'Undo', ko: '실행 취소' },
  'menu.redo': { en: 'Redo', ko: '다시 실행' },
  'menu.cut': { en: 'Cut', ko: '잘라내기' },
  'menu.copy': { en: 'Copy', ko: '복사' },
  'menu.paste': { en: 'Paste', ko: '붙여넣기' },
  'menu.selectAll': { en: 'Select All', ko: '모두 선택' },
  'menu.reload': { en: 'Reload', ko: '새로 고침' },
  'menu.devTools': { en: 'Toggle Developer Tools', ko: '개발자 도구' },
  'menu.resetZoom': { en: 'Actual Size', ko: '원래 크기' },
  'menu.zoomIn': { en: 'Zoom In', ko: '확대' },
  'menu.zoomOut': { en: 'Zoom Out', ko: '축소' },
  'menu.fullscreen': { en: 'Toggle Full Screen', ko: '전체 화면' },
  'menu.minimize': { en: 'Minimize', ko: '최소화' },
  'menu.close': { en: 'Close', ko: '닫기' },
  'menu.quit': { en: 'Quit', ko: '종료' },
});
