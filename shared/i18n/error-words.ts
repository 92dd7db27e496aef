/**
 * The core's messages to the user (a `UserError`'s), in both languages: a refused folder, a
 * name that is taken, a run that cannot be resumed. The core throws them with `userError`, whose
 * English is the error's message (the CLI prints it); the views show the reference it carries in
 * their language.
 */
import { UserError, type UserErrorKind } from '../contract/errors';
import { defineMessages, render, type ArgsOf, type KeyOf } from './catalogue';

export const ERROR_WORDS = defineMessages({
  'error.folderMissing': { en: 'The folder {path} does not exist.', ko: '{path} 폴더가 없습니다.' },
  'error.folderUnreadable': { en: 'The folder {path} cannot be read: {reason}', ko: '{path} 폴더를 읽을 수 없습니다: {reason}' },
  'error.notAFolder': { en: '{path} is not a folder. Choose a folder that holds one sub-folder per class.', ko: '{path}은(는) 폴더가 아닙니다. 클래스마다 하위 폴더가 하나씩 있는 폴더를 고르세요.' },
  'error.noClassFolders': {
    en: 'No class folders in {path}. Put the images in one sub-folder per class (for example {example1}, {example2}).',
    ko: '{path}에 클래스 폴더가 없습니다. 이미지를 클래스마다 하위 폴더 하나에 넣으세요 (예: {example1}, {example2}).',
  },
  'error.oneClass': {
    en: '{path} has only one class folder ({name}) with readable images; a dataset needs at least two classes.',
    ko: '{path}에는 읽을 수 있는 이미지가 든 클래스 폴더가 하나({name})뿐입니다. 데이터셋에는 클래스가 두 개 이상 필요합니다.',
  },
  'error.oneClassEmpty': {
    en: '{path} has only one class folder ({name}) with readable images; a dataset needs at least two classes. Folders with no readable image: {names}.',
    ko: '{path}에는 읽을 수 있는 이미지가 든 클래스 폴더가 하나({name})뿐입니다. 데이터셋에는 클래스가 두 개 이상 필요합니다. 읽을 수 있는 이미지가 없는 폴더: {names}.',
  },
  'error.noImages': { en: '{path} has no readable images; a dataset needs at least two classes.', ko: '{path}에 읽을 수 있는 이미지가 없습니다. 데이터셋에는 클래스가 두 개 이상 필요합니다.' },
  'error.noImagesEmpty': {
    en: '{path} has no readable images; a dataset needs at least two classes. Folders with no readable image: {names}.',
    ko: '{path}에 읽을 수 있는 이미지가 없습니다. 데이터셋에는 클래스가 두 개 이상 필요합니다. 읽을 수 있는 이미지가 없는 폴더: {names}.',
  },
  'error.nameEmpty': { en: 'A dataset name cannot be empty.', ko: '데이터셋 이름은 비워 둘 수 없습니다.' },
  'error.nameTooLong': { en: 'A dataset name can have at most 200 characters (got {length}).', ko: '데이터셋 이름은 200자까지입니다 ({length}자).' },
  'error.nameTaken': {
    en: 'A dataset named "{name}" already exists (id {id}, imported from {root}). Choose another name or delete that dataset first.',
    ko: '"{name}" 데이터셋이 이미 있습니다 (id {id}, {root}에서 가져옴). 다른 이름을 고르거나 그 데이터셋을 먼저 삭제하세요.',
  },
  'error.importRefused': {
    en: 'Refused to import {path}: it is outside the folders this server may import. From the browser, Bloombench imports only folders under {roots}. Move the images there, or restart the server with `bloombench serve --allow-import <folder>` (repeatable).',
    ko: '{path}을(를) 가져오지 않았습니다: 이 서버가 가져올 수 있는 폴더 밖에 있습니다. 브라우저에서는 {roots} 아래 폴더만 가져옵니다. 이미지를 그곳으로 옮기거나 `bloombench serve --allow-import <folder>`(여러 번 쓸 수 있음)로 서버를 다시 시작하세요.',
  },
  'error.importRefusedLink': {
    en: 'Refused to import {path}: it leads through a symbolic link to {real}, outside the folders this server may import. From the browser, Bloombench imports only folders under {roots}. Move the images there, or restart the server with `bloombench serve --allow-import <folder>` (repeatable).',
    ko: '{path}을(를) 가져오지 않았습니다: 심볼릭 링크를 거쳐 이 서버가 가져올 수 있는 폴더 밖의 {real}(으)로 이어집니다. 브라우저에서는 {roots} 아래 폴더만 가져옵니다. 이미지를 그곳으로 옮기거나 `bloombench serve --allow-import <folder>`(여러 번 쓸 수 있음)로 서버를 다시 시작하세요.',
  },
  'error.datasetInUse': { en: { one: 'Dataset {id} is used by {n} run ({names}); delete it first.', other: 'Dataset {id} is used by {n} runs ({names}); delete those runs first.' }, ko: '데이터셋 {id}을(를) 실행 {n}개({names})가 쓰고 있습니다. 그 실행을 먼저 삭제하세요.' },
  'error.noWeights': { en: 'Run {id} has no saved weights yet (it has not finished an epoch).', ko: '실행 {id}에는 아직 저장된 가중치가 없습니다 (에폭을 하나도 마치지 않았습니다).' },
  'error.noWeightsToExport': { en: 'Run {id} has no saved weights to export (it has not finished an epoch).', ko: '실행 {id}에는 내보낼 가중치가 없습니다 (에폭을 하나도 마치지 않았습니다).' },
  'error.cannotClassify': { en: 'Cannot classify this file: {reason}.', ko: '이 파일은 분류할 수 없습니다: {reason}.' },
  'error.alreadyCompleted': { en: 'Run {id} already completed; start a new run to train more.', ko: '실행 {id}은(는) 이미 끝났습니다. 더 학습하려면 새 실행을 시작하세요.' },
  'error.alreadyQueued': { en: 'Run {id} is already queued.', ko: '실행 {id}은(는) 이미 대기 중입니다.' },
  'error.alreadyRunning': { en: 'Run {id} is already running.', ko: '실행 {id}은(는) 이미 학습 중입니다.' },
  'error.noCheckpointFiles': {
    en: 'Run {id} has no checkpoint to resume from (its epoch {epoch} was recorded, but no complete checkpoint is in {dir}). Start it again as a new run.',
    ko: '실행 {id}에는 이어서 학습할 체크포인트가 없습니다 (에폭 {epoch}은(는) 기록되었지만 {dir}에 완전한 체크포인트가 없습니다). 새 실행으로 다시 시작하세요.',
  },
  'error.noCheckpointEarly': {
    en: 'Run {id} has no checkpoint to resume from (it stopped before its first epoch ended). Start it again as a new run.',
    ko: '실행 {id}에는 이어서 학습할 체크포인트가 없습니다 (첫 에폭이 끝나기 전에 멈췄습니다). 새 실행으로 다시 시작하세요.',
  },
  'error.noRun': { en: 'No run {id} in this store (bloombench runs lists them).', ko: '이 저장소에 실행 {id}이(가) 없습니다 (`bloombench runs`로 목록을 볼 수 있습니다).' },
  'error.noImage': { en: 'No image with id {id}.', ko: 'id가 {id}인 이미지가 없습니다.' },
  'error.missingFiles': {
    en: 'The dataset "{name}" has {n} missing file(s) since it was imported ({files}). Was {root} moved? Import it again from its new place.',
    ko: '데이터셋 "{name}"에서 가져온 뒤 파일 {n}개가 사라졌습니다 ({files}). {root}을(를) 옮겼나요? 새 위치에서 다시 가져오세요.',
  },
  'error.changedFiles': {
    en: 'The dataset "{name}" has {n} image(s) whose content changed since it was imported ({files} in {root}). Put the original files back, or import the folder again to train on the new pictures (as a new dataset, with its own report and split).',
    ko: '데이터셋 "{name}"에서 가져온 뒤 내용이 바뀐 이미지가 {n}개 있습니다 ({root}의 {files}). 원래 파일을 되돌려 놓거나, 새 이미지로 학습하려면 폴더를 다시 가져오세요 (보고서와 분할이 따로 있는 새 데이터셋이 됩니다).',
  },
  // Label edits (main/datasets/labels.ts).
  'error.labelNoImage': {
    en: 'The dataset "{name}" has no image {image} (give an image id or its path inside {root}, as `bloombench suspects` lists them).',
    ko: '데이터셋 "{name}"에 이미지 {image}이(가) 없습니다 (`bloombench suspects`가 보여 주는 대로 이미지 id나 {root} 안의 경로를 주세요).',
  },
  'error.labelNoClass': {
    en: 'Relabel {image}: "{cls}" is not a class of "{name}" (its classes: {classes}).',
    ko: '{image} 레이블 바꾸기: "{cls}"은(는) "{name}"의 클래스가 아닙니다 (클래스: {classes}).',
  },
  'error.labelClassMissing': { en: 'Relabel {image}: say which class ({flag}).', ko: '{image} 레이블 바꾸기: 어느 클래스인지 주세요 ({flag}).' },
  'error.labelNothing': {
    en: 'Nothing to change in "{name}": {reason}. The dataset stays at version {version}.',
    ko: '"{name}"에서 바꿀 것이 없습니다: {reason}. 데이터셋은 버전 {version} 그대로입니다.',
  },
  'error.labelAllExcluded': {
    en: 'Excluding these would leave the {split} split of "{name}" without any image of {cls}; nothing was changed.',
    ko: '이것들을 빼면 "{name}"의 {split} 분할에 {cls} 이미지가 하나도 남지 않습니다. 아무것도 바꾸지 않았습니다.',
  },
});

/** A key of the core's messages. */
export type ErrorKey = KeyOf<typeof ERROR_WORDS>;

/** A `UserError` whose message is the catalogue's English and which carries its reference for the views. */
export function userError<K extends ErrorKey>(kind: UserErrorKind, key: K, ...args: ArgsOf<(typeof ERROR_WORDS)[K]>): UserError {
  const params = args[0] as Record<string, string | number> | undefined;
  return new UserError(kind, render('en', ERROR_WORDS[key], params), params ? { key, params } : { key });
}

