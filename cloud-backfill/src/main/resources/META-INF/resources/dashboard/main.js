// The dashboard's shell: hash routes, the operator key prompt, one view at a time.
import { hasKey, setKey, forgetKey, whenUnauthorized, get, Unauthorized } from './api.js';
import { fleetView } from './fleet.js';
import { streamView } from './stream.js';
import { requestsView } from './requests.js';

const root = document.getElementById('view');
const dialog = document.getElementById('key-dialog');
const keyForm = document.getElementById('key-form');
const keyInput = document.getElementById('key-input');
const keyError = document.getElementById('key-error');
const forget = document.getElementById('forget-key');
let stop = () => {};
let generation = 0;

function askForKey(problem) {
  stop();
  forget.hidden = true;
  keyError.hidden = !problem;
  keyError.textContent = problem ? 'The key was refused: ' + problem + '. Enter it again.' : '';
  keyInput.value = '';
  if (!dialog.open) dialog.showModal();
  keyInput.focus();
}

whenUnauthorized((problem) => askForKey(problem));

keyForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const key = keyInput.value.trim();
  if (!key) return;
  setKey(key);
  try {
    // Checked once against the API before any view: a wrong key is told at once.
    await get('/api/v1/streams?limit=1');
    dialog.close();
    route();
  } catch (err) {
    if (!(err instanceof Unauthorized)) {
      keyError.hidden = false;
      keyError.textContent = 'Could not reach the operator API: ' + (err.message || err);
    }
  }
});

dialog.addEventListener('cancel', (e) => e.preventDefault());

forget.addEventListener('click', () => {
  forgetKey();
  askForKey(null);
});

function route() {
  stop();
  if (!hasKey()) {
    askForKey(null);
    return;
  }
  forget.hidden = false;
  const mine = ++generation;
  const ctx = {
    active: () => mine === generation && hasKey(),
    isUnauthorized: (e) => e instanceof Unauthorized,
  };
  const parts = (location.hash.replace(/^#\/?/, '') || 'fleet').split('/').map(decodeURIComponent);
  for (const a of document.querySelectorAll('header nav a')) {
    a.classList.toggle('active', a.getAttribute('href') === '#/' + parts[0]);
  }
  let cleanup;
  if (parts[0] === 'stream' && parts.length === 3) {
    document.title = parts[1] + '/' + parts[2] + ' · coverage dashboard';
    cleanup = streamView(root, ctx, parts[1], parts[2]);
  } else if (parts[0] === 'requests') {
    document.title = 'Requests · coverage dashboard';
    cleanup = requestsView(root, ctx, parts[1]);
  } else {
    document.title = 'Fleet · coverage dashboard';
    cleanup = fleetView(root, ctx);
  }
  stop = () => { generation++; cleanup(); };
}

window.addEventListener('hashchange', route);
route();
