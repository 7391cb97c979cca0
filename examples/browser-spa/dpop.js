// Call the API with DPoP (RFC 9449): the page holds an ES256 key pair whose private key is
// non-extractable (no script can read it, this one included), gets an access token bound
// to it (cnf.jkt), and signs a fresh proof for every request with createDpopFetch, which
// also answers the API's nonce challenge (use_dpop_nonce) by itself. A stolen token is
// useless without the key; a captured request cannot be replayed.
import { createDpopFetch, decode, exportJwk, generateKeyPair, thumbprint } from 'isojwt'

const $ = (id) => document.getElementById(id)
const keyPair = loadOrCreateKeyPair()
const dpopFetch = keyPair.then((pair) => createDpopFetch(pair)) // one per key: it remembers nonces
let accessToken

keyPair.then(showKey, (e) => show('invalid', 'No DPoP key', e.message))
$('get-token').addEventListener('click', () => getToken().catch((e) => show('invalid', 'Token request failed', e.message)))
$('call-api').addEventListener('click', () => callApi().catch((e) => show('invalid', 'API call failed', e.message)))

async function getToken() {
  // A real app exchanges its authorization code (with PKCE) here; the demo endpoint takes any request.
  const res = await (await dpopFetch)($('token-url').value, {
    method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'demo' }),
  })
  const body = await res.json()
  if (!res.ok) return show('invalid', `Token endpoint: ${res.status}`, body.error_description ?? body.error)
  accessToken = body.access_token
  $('call-api').disabled = false
  show('valid', `Got a ${body.token_type} token`, `bound to key ${decode(accessToken).payload.cnf?.jkt}`)
}

async function callApi() {
  const res = await (await dpopFetch)($('api-url').value, { accessToken }) // Authorization: DPoP …, DPoP: <proof>
  const text = await res.text()
  $('api-body').textContent = text || '(empty body)'
  if (res.ok) show('valid', `API: ${res.status}`, 'proof and token accepted')
  else show('invalid', `API: ${res.status}`, res.headers.get('www-authenticate') ?? '')
}

/**
 * The DPoP key pair, kept in IndexedDB as CryptoKey objects (never as a JWK), so a reload
 * keeps the same key, still non-extractable.
 */
async function loadOrCreateKeyPair() {
  const open = indexedDB.open('isojwt-example', 1)
  open.onupgradeneeded = () => open.result.createObjectStore('keys')
  const db = await done(open)
  const store = (mode) => db.transaction('keys', mode).objectStore('keys')
  let pair = await done(store('readonly').get('dpop'))
  if (!pair) {
    pair = await generateKeyPair('ES256') // the private key is non-extractable unless asked otherwise
    await done(store('readwrite').put(pair, 'dpop'))
  }
  return pair
}

/** An IndexedDB request as a promise. */
function done(request) {
  return new Promise((resolve, reject) => {
    request.addEventListener('success', () => resolve(request.result))
    request.addEventListener('error', () => reject(request.error))
  })
}

async function showKey(pair) {
  const jkt = await thumbprint(await exportJwk(pair.publicKey)) // the public half is exportable
  $('dpop-key').textContent = `ES256 key ${jkt}, private key ${pair.privateKey.extractable ? 'EXTRACTABLE' : 'not extractable'}`
  $('dpop-key').dataset.jkt = jkt
  $('dpop-key').className = ''
}

function show(state, title, detail) {
  const box = $('dpop-result')
  box.dataset.state = state
  const strong = document.createElement('strong')
  strong.textContent = title
  const span = document.createElement('span')
  span.textContent = detail ?? ''
  box.replaceChildren(strong, span)
}
