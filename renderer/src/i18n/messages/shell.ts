/**
 * The app's frame: the sidebar, the top bar, the language and theme switches, the generic
 * components, the transports' own messages and dates.
 */
import { defineMessages } from '../../../../shared/i18n/catalogue';

/**
 * Why a better backend was not used, as the worker says it in English (main/compute/backend.ts):
 * `fmt.backendReason` reads a reason back through these English templates and writes it in the
 * app's language; a reason none of them matches stays as it is.
 */
export const BACKEND_REASONS = defineMessages({
  'reason.notInstalled': { en: '{pkg} not installed (optional dependency failed to install)', ko: '{pkg}: 설치되지 않음 (선택 의존성 설치에 실패함)' },
  'reason.failedToLoad': { en: '{pkg} is installed but failed to load: {detail}', ko: '{pkg}: 설치되었지만 불러오지 못함: {detail}' },
  'reason.noCuda': {
    en: 'CUDA not found: tfjs-node-gpu would run on the CPU (it needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1)',
    ko: 'CUDA 없음: tfjs-node-gpu는 CPU에서 돌게 됩니다 (CUDA 11.2와 cuDNN 8.1이 있는 NVIDIA GPU가 필요함)',
  },
  'reason.gpusHidden': { en: 'tfjs-node-gpu was loaded with its GPUs hidden to serve as a CPU backend', ko: 'tfjs-node-gpu를 GPU를 숨긴 채 CPU 백엔드로 불러왔습니다' },
  'reason.gpuLoaded': { en: 'tfjs-node-gpu is loaded and computes on the GPU; tfjs-node cannot be loaded beside it', ko: 'tfjs-node-gpu가 GPU에서 계산하고 있어 tfjs-node를 함께 불러올 수 없습니다' },
  'reason.forced': { en: "not tried: backend '{name}' was forced", ko: "시도하지 않음: '{name}' 백엔드를 강제로 지정함" },
  'reason.unavailable': { en: 'unavailable', ko: '사용할 수 없음' },
  'reason.noAdapterVulkan': {
    en: "no adapter: Vulkan found no driver: install the GPU vendor's Vulkan driver and the Vulkan loader (Debian/Ubuntu: libvulkan1), or point VK_ICD_FILENAMES at a driver",
    ko: 'GPU 어댑터 없음: Vulkan 드라이버가 없습니다. GPU 제조사의 Vulkan 드라이버와 Vulkan 로더(Debian/Ubuntu: libvulkan1)를 설치하거나, `VK_ICD_FILENAMES`가 드라이버를 가리키게 하세요',
  },
  'reason.noAdapterMetal': { en: 'no adapter: Metal found no GPU', ko: 'GPU 어댑터 없음: Metal이 GPU를 찾지 못했습니다' },
  'reason.noAdapterD3d': { en: 'no adapter: Direct3D 12 found no GPU (update the graphics driver)', ko: 'GPU 어댑터 없음: Direct3D 12가 GPU를 찾지 못했습니다 (그래픽 드라이버를 업데이트하세요)' },
  'reason.noWebgpuPackage': { en: 'the webgpu package is not installed for this platform ({platform}; it is an optional dependency)', ko: '이 플랫폼({platform})용 webgpu 패키지가 설치되지 않았습니다 (선택 의존성)' },
  'reason.dawnFailed': { en: 'Dawn failed to look for a GPU adapter: {detail}', ko: 'Dawn이 GPU 어댑터를 찾지 못했습니다: {detail}' },
  'reason.softwareOnly': { en: 'only a software adapter ({adapter}): a test device, used only with --backend webgpu', ko: '소프트웨어 어댑터뿐입니다 ({adapter}): 테스트용 장치라 `--backend webgpu`로 강제할 때만 씁니다' },
  'reason.webgpuFailed': { en: 'tfjs-backend-webgpu failed to load: {detail}', ko: 'tfjs-backend-webgpu를 불러오지 못했습니다: {detail}' },
});

export const SHELL = defineMessages({
  'nav.main': { en: 'Main', ko: '주 메뉴' },
  'nav.datasets': { en: 'Datasets', ko: '데이터셋' },
  'nav.new-run': { en: 'New run', ko: '새 실행' },
  'nav.live': { en: 'Live run', ko: '실시간 학습' },
  'nav.runs': { en: 'Runs', ko: '실행 목록' },
  'nav.compare': { en: 'Compare', ko: '비교' },
  'nav.studies': { en: 'Studies', ko: '실험' },
  'nav.evaluation': { en: 'Evaluation', ko: '평가' },
  'title.datasets': { en: 'Datasets', ko: '데이터셋' },
  'title.new-run': { en: 'New run', ko: '새 실행' },
  'title.live': { en: 'Live run', ko: '실시간 학습' },
  'title.runs': { en: 'Runs', ko: '실행 목록' },
  'title.compare': { en: 'Compare runs', ko: '실행 비교' },
  'title.evaluation': { en: 'Evaluation', ko: '평가' },
  'title.studies': { en: 'Studies', ko: '실험' },
  'shell.queued': { en: { one: '{n} queued', other: '{n} queued' }, ko: '대기 중 {n}개' },
  'shell.startError': { en: 'Could not reach the Bloombench core.', ko: 'Bloombench 코어에 연결할 수 없습니다.' },

  'theme.system': { en: 'system', ko: '시스템' },
  'theme.light': { en: 'light', ko: '밝게' },
  'theme.dark': { en: 'dark', ko: '어둡게' },
  'theme.button': { en: 'Theme: {theme}', ko: '테마: {theme}' },
  'theme.aria': { en: 'Theme: {theme}. Switch to {next}', ko: '테마: {theme}. {next}(으)로 바꾸기' },

  'language.label': { en: 'Language', ko: '언어' },
  'language.system': { en: 'System ({name})', ko: '시스템 ({name})' },

  'chart.epoch': { en: 'epoch', ko: '에폭' },
  'chart.epochN': { en: 'epoch {epoch}', ko: '에폭 {epoch}' },
  'time.today': { en: 'today {time}', ko: '오늘 {time}' },
  'time.dateTime': { en: '{date} {time}', ko: '{date} {time}' },

  'common.dismiss': { en: 'Dismiss', ko: '닫기' },
  'common.cancel': { en: 'Cancel', ko: '취소' },
  'common.close': { en: 'Close', ko: '닫기' },
  'common.save': { en: 'Save', ko: '저장' },
  'common.saved': { en: 'Saved', ko: '저장됨' },
  'common.delete': { en: 'Delete', ko: '삭제' },
  'common.loading': { en: 'Loading…', ko: '불러오는 중…' },
  'common.retry': { en: 'Try again', ko: '다시 시도' },
  'common.noData': { en: 'No data yet.', ko: '아직 데이터가 없습니다.' },
  'common.goToDatasets': { en: 'Go to Datasets', ko: '데이터셋으로 가기' },
  'common.imageMissing': { en: 'Image {id} could not be loaded (moved or deleted since import?)', ko: '이미지 {id}을(를) 불러올 수 없습니다 (가져온 뒤 옮기거나 지웠나요?)' },

  'backend.unknown': { en: 'Backend unknown: {error}', ko: '백엔드를 알 수 없음: {error}' },
  'backend.forced': { en: 'forced', ko: '강제 지정' },
  'backend.youForced': { en: 'You forced {name}; the run fails with the reason if it cannot load.', ko: '{name}을(를) 강제로 지정했습니다. 불러올 수 없으면 실행이 그 이유와 함께 실패합니다.' },
  'backend.whyNot': { en: 'Why not {names}?', ko: '쓰지 않는 백엔드: {names}' },
  'backend.trainThreads': { en: { one: 'runs train on up to {n} thread (data-parallel)', other: 'runs train on up to {n} threads (data-parallel)' }, ko: '실행은 최대 {n}개 스레드로 학습합니다 (데이터 병렬)' },
  'backend.checking': { en: 'Checking compute backends…', ko: '연산 백엔드를 확인하는 중…' },
  'backend.gpuAdapter': { en: 'GPU adapter: {name} ({vendor})', ko: 'GPU 어댑터: {name} ({vendor})' },
  'backend.softwareAdapter': { en: 'A software adapter: a test device, far slower than a GPU.', ko: '소프트웨어 어댑터입니다. 테스트용 장치로, GPU보다 훨씬 느립니다.' },
  'backend.threadsOnGpu': { en: 'The threads setting does not apply on a GPU: every step runs on the GPU.', ko: '스레드 설정은 GPU에는 적용되지 않습니다. 모든 단계가 GPU에서 실행됩니다.' },

  'transport.noToken': {
    en: 'This page needs the token that `bloombench serve` printed: open the full URL it showed (…/?token=…).',
    ko: '이 페이지에는 `bloombench serve`가 출력한 토큰이 필요합니다. 표시된 전체 URL(…/?token=…)을 여세요.',
  },
  'transport.noAnswer': { en: 'The Bloombench server did not answer ({reason}). Is `bloombench serve` still running?', ko: 'Bloombench 서버가 응답하지 않습니다 ({reason}). `bloombench serve`가 아직 실행 중인가요?' },
  'transport.badToken': { en: 'The server refused the token. Open the URL that `bloombench serve` printed.', ko: '서버가 토큰을 거부했습니다. `bloombench serve`가 출력한 URL을 여세요.' },
  'transport.failed': { en: '{verb} failed (HTTP {status})', ko: '{verb} 실패 (HTTP {status})' },
});
